// TLS, measured with certificates the bench makes for itself (harness/tlsCerts.ts): the deploy of
// a 1+2 group with TLS (client certificates required) beside a plaintext one, run after run in
// alternation; GET throughput on the master with and without TLS, side by side; and certificate
// rotations (a new cert and key from the same CA) of a 1+2 group with 3 sentinels, under a
// Sentinel-aware writer and a watcher of the replication links.
//
// measureTls sets Pulumi's mocks for its own stacks: measures that keep their own mock monitor
// must set them again afterwards.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RedisReplicationGroupArgs } from "../components";
import { ADMIN_USER } from "../components/acl";
import { GroupStack } from "../harness/groupStack";
import { LinkReport, LinkWatcher } from "../harness/linkWatcher";
import { promiseOf } from "../harness/pulumi";
import { CertAndKey, TestCa } from "../harness/tlsCerts";
import { AckedWriter } from "../harness/writer";
import { PASSWORD } from "./groups";
import { GET_CLIENTS, redisBenchmark } from "./load";
import { median } from "./stats";

export const TLS_LABELS = ["bench-tls-plain", "bench-tls", "bench-tls-rotation"];
/** The images the three groups build (named after them). */
export const TLS_IMAGES = ["rrtlsplain", "rrtls", "rrtlsrot"].map((n) => `redis-replication/${n}:latest`);

export interface TlsResult {
    tls: {
        runs: number;
        /** 1+2 with TLS (client certificates required): the first up, from the program's start to the check done. */
        deploy_ms: number;
        /** The same group without TLS, in the same run. */
        plain_deploy_ms: number;
        /** redis-benchmark GET on the master over TLS, and in plaintext, side by side. */
        get_rps: number;
        plain_get_rps: number;
    };
    cert_rotation: { runs: number; total_ms: number; failed_commands: number; link_drops: number };
}

/** One group's stack and the args it is deployed with. */
function group(n: number, baseImage: string, tls?: { ca: string; node: () => CertAndKey }, sentinel = false) {
    const name = ["rrtlsplain", "rrtls", "rrtlsrot"][n]!;
    const masterPort = 7600 + n * 10;
    const args = (): RedisReplicationGroupArgs => ({
        name,
        network: { subnet: `10.235.${n}.0/24` },
        master: { hostPort: masterPort },
        replicaCount: 2,
        image: { baseImage },
        password: PASSWORD,
        ...(tls ? { tls: { ca: tls.ca, ...tls.node(), authClients: true } } : {}),
        ...(sentinel ? { sentinel: {} } : {}),
    });
    return { name, masterPort, args, label: TLS_LABELS[n]! };
}

/** redis-benchmark's TLS flags, with the files it reads them from. */
function benchmarkTlsFlags(dir: string, ca: string, client: CertAndKey): string[] {
    const files = { ca, cert: client.cert, key: client.key };
    for (const [part, pem] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${part}.pem`), pem, { mode: 0o600 });
    return ["--tls", "--cacert", path.join(dir, "ca.pem"), "--cert", path.join(dir, "cert.pem"), "--key", path.join(dir, "key.pem")];
}

async function measureDeploys(runs: number, baseImage: string, ca: TestCa, log: (line: string) => void) {
    const node = ca.issue({ commonName: "bench", ips: ["127.0.0.1"] });
    const plain = group(0, baseImage);
    const tls = group(1, baseImage, { ca: ca.cert, node: () => node });
    const samples = { plain: [] as number[], tls: [] as number[] };
    for (let run = 1; run <= runs; run++) {
        for (const [kind, g] of (run % 2 === 0
            ? [
                  ["tls", tls],
                  ["plain", plain],
              ]
            : [
                  ["plain", plain],
                  ["tls", tls],
              ]) as ["plain" | "tls", typeof plain][]) {
            const stack = await GroupStack.start(g.label, "redis-replication", g.label);
            try {
                samples[kind].push((await stack.up(g.name, g.args())).ms);
            } finally {
                await stack.destroy();
            }
        }
        log(`deploy run ${run}/${runs}: plain ${samples.plain.at(-1)} ms, TLS ${samples.tls.at(-1)} ms`);
    }
    return { plain: Math.round(median(samples.plain)), tls: Math.round(median(samples.tls)) };
}

async function measureThroughput(baseImage: string, ca: TestCa, getRequests: number, log: (line: string) => void) {
    const node = ca.issue({ commonName: "bench", ips: ["127.0.0.1"] });
    const plain = group(0, baseImage);
    const tls = group(1, baseImage, { ca: ca.cert, node: () => node });
    const stacks = [
        await GroupStack.start(plain.label, "redis-replication", plain.label),
        await GroupStack.start(tls.label, "redis-replication", tls.label),
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-tls-"));
    try {
        await stacks[0]!.up(plain.name, plain.args());
        await stacks[1]!.up(tls.name, tls.args());
        const flags = benchmarkTlsFlags(dir, ca.cert, ca.issue({ commonName: "bench-client" }));
        const rps = { plain: [] as number[], tls: [] as number[] };
        for (let i = 0; i < 3; i++) {
            rps.plain.push(await redisBenchmark(plain.masterPort, "get", getRequests, GET_CLIENTS));
            rps.tls.push(await redisBenchmark(tls.masterPort, "get", getRequests, GET_CLIENTS, flags));
        }
        log(`GET on the master: plaintext ${rps.plain.map(Math.round).join(", ")} rps; TLS ${rps.tls.map(Math.round).join(", ")} rps`);
        return { plain: Math.round(median(rps.plain)), tls: Math.round(median(rps.tls)) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const s of stacks) await s.destroy();
    }
}

async function measureRotations(runs: number, baseImage: string, ca: TestCa, log: (line: string) => void) {
    let node = ca.issue({ commonName: "bench-rotation-0", ips: ["127.0.0.1"] });
    const g = group(2, baseImage, { ca: ca.cert, node: () => node }, true);
    const stack = await GroupStack.start(g.label, "redis-replication", g.label);
    const totals: number[] = [];
    let failed = 0;
    let drops = 0;
    try {
        const first = await stack.up(g.name, g.args());
        const recipe = (await promiseOf(first.group.sentinelClient))!;
        const admin = await promiseOf(first.group.adminPassword);
        for (let run = 1; run <= runs; run++) {
            const client = node;
            const writer = await AckedWriter.start(recipe, PASSWORD, client);
            const tls = { ca: ca.cert, ...client };
            const watcher = await LinkWatcher.start(g.masterPort, [g.masterPort + 1, g.masterPort + 2], admin, {
                username: ADMIN_USER,
                tls,
            });
            node = ca.issue({ commonName: `bench-rotation-${run}`, ips: ["127.0.0.1"] });
            let ms = 0;
            let links: LinkReport;
            try {
                ms = (await stack.up(g.name, g.args())).ms;
            } finally {
                await writer.stop();
                links = await watcher.stop();
            }
            totals.push(ms);
            failed += writer.failed;
            drops += links.drops;
            log(
                `rotation run ${run}/${runs}: ${ms} ms; writer ${writer.acked.length} acknowledged, ${writer.failed} failed; ${links.drops} link drops`,
            );
        }
    } finally {
        await stack.destroy();
    }
    return { runs, total_ms: Math.round(median(totals)), failed_commands: failed, link_drops: drops };
}

/** Deploys with and without TLS, GET throughput with and without, and certificate rotations. */
export async function measureTls(runs: number, baseImage: string, getRequests: number, log: (line: string) => void): Promise<TlsResult> {
    const ca = new TestCa("redis-replication bench CA");
    const deploys = await measureDeploys(runs, baseImage, ca, log);
    const rps = await measureThroughput(baseImage, ca, getRequests, log);
    const cert_rotation = await measureRotations(runs, baseImage, ca, log);
    return {
        tls: { runs, deploy_ms: deploys.tls, plain_deploy_ms: deploys.plain, get_rps: rps.tls, plain_get_rps: rps.plain },
        cert_rotation,
    };
}
