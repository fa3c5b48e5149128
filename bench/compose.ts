// The compose baseline: what a user would otherwise type, measured in the same run. docker-compose
// runs the same node image with the same redis.conf settings as our tuned deploy, alternately with
// ours. Its "up" is `up -d` until the master reports every replica online and a `WAIT n` write
// reads back on each replica; its "down" is `down -v`.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { promisify } from "util";
import { GroupPlan, parseGroupConfig, splitSettings } from "../config";
import { TEST_LABEL } from "../harness/docker";
import { removeLeftovers } from "../harness/liveDocker";
import { pollUntil } from "../harness/poll";
import { parseInfo, slavesOf, withClient } from "../harness/redisClient";
import { ratio } from "./format";
import { deploy, GROUP_NAME, LABEL, PASSWORD, PROJECT_IMAGE } from "./groups";
import { Stats, stats } from "./stats";

const run = promisify(execFile);

/** The label of everything compose makes here. */
export const COMPOSE_LABEL = `${LABEL}-compose`;
const SUBNET = "10.232.98.0/24";
const MASTER_PORT = 26800;
const UP_DEADLINE_MS = 60_000;

export interface ComposeRow {
    replicas: number;
    runs: number;
    compose_up_ms: Stats;
    ours_up_ms: Stats;
    /** median ours / median compose. */
    up_ratio: number;
    compose_down_ms: Stats;
    ours_down_ms: Stats;
    down_ratio: number;
}

/** The compose baseline, or why it was not measured. */
export interface ComposeResult {
    compose_baseline: ComposeRow[];
    /** Set when docker-compose is missing: the goals are then unmet. */
    compose_missing?: string;
}

/** The plan our tuned 1+n deploy has, on the compose baseline's own subnet and ports. */
export function composePlan(replicas: number): GroupPlan {
    return parseGroupConfig(
        { name: GROUP_NAME, network: { subnet: SUBNET }, master: { hostPort: MASTER_PORT }, replicaCount: replicas },
        { name: "compose" },
    );
}

/**
 * The compose file (JSON, which compose reads as YAML) for that plan: each node runs the project
 * image with our redis.conf settings as flags, a named volume on /data, its static IP and its
 * published port; everything carries the bench's label.
 */
export function renderComposeFile(plan: GroupPlan, image: string, password: string): string {
    const labels = { [TEST_LABEL]: COMPOSE_LABEL };
    const split = splitSettings(plan);
    const settings = Object.entries({ ...split.restart, ...split.live }).flatMap(([k, v]) => [`--${k}`, v]);
    const nodes = [plan.master, ...plan.replicas];
    const services = Object.fromEntries(
        nodes.map((node) => [
            node.key,
            {
                image,
                command: [
                    "redis-server",
                    ...["--bind", "0.0.0.0", "--port", "6379", "--dir", "/data"],
                    ...["--requirepass", password, "--masterauth", password],
                    ...settings,
                    ...(node.role === "replica" ? ["--replicaof", plan.master.ip, "6379"] : []),
                ],
                networks: { net: { ipv4_address: node.ip } },
                ports: [`127.0.0.1:${node.hostPort}:6379`],
                volumes: [`${node.key}-data:/data`],
                labels,
            },
        ]),
    );
    const file = {
        version: "2.4",
        services,
        networks: { net: { ipam: { config: [{ subnet: plan.network.subnet }] }, labels } },
        volumes: Object.fromEntries(nodes.map((n) => [`${n.key}-data`, { labels }])),
    };
    return JSON.stringify(file, null, 2) + "\n";
}

/** Why docker-compose can't run here, or undefined. */
export async function composeMissing(): Promise<string | undefined> {
    try {
        await run("docker-compose", ["version", "--short"]);
        return undefined;
    } catch {
        return "docker-compose is not installed (apt-get install docker-compose)";
    }
}

/** The master reports every replica online, and a WAIT n write reads back on each replica. */
async function composeReady(plan: GroupPlan): Promise<void> {
    const n = plan.replicas.length;
    await pollUntil(
        `compose 1+${n}: ${n} replicas online`,
        UP_DEADLINE_MS,
        () =>
            withClient(plan.master.hostPort, PASSWORD, async (c) => {
                const online = slavesOf(parseInfo(await c.info("replication"))).filter((s) => s.state === "online").length;
                return online === n;
            }).catch(() => false),
        20,
    );
    const value = String(Date.now());
    await withClient(plan.master.hostPort, PASSWORD, async (c) => {
        await c.set("compose:probe", value);
        const acked = Number(await c.wait(n, 10_000));
        if (acked < n) throw new Error(`compose 1+${n}: WAIT ${n} acknowledged ${acked}`);
    });
    for (const r of plan.replicas) {
        const got = await withClient(r.hostPort, PASSWORD, (c) => c.get("compose:probe"));
        if (got !== value) throw new Error(`compose 1+${n}: replica ${r.key} read ${got} after WAIT`);
    }
}

/** One compose up and down: their times, ms. */
async function composeOnce(plan: GroupPlan, dir: string, project: string): Promise<{ upMs: number; downMs: number }> {
    const file = path.join(dir, "docker-compose.yml");
    fs.writeFileSync(file, renderComposeFile(plan, PROJECT_IMAGE, PASSWORD));
    const compose = (...args: string[]) => run("docker-compose", ["-p", project, "-f", file, ...args], { cwd: dir });
    const t = performance.now();
    let upMs: number;
    try {
        await compose("up", "-d");
        await composeReady(plan);
        upMs = performance.now() - t;
    } catch (err) {
        await compose("down", "-v").catch(() => undefined);
        throw err;
    }
    const d = performance.now();
    await compose("down", "-v");
    return { upMs, downMs: performance.now() - d };
}

/** Compose and our tuned deploy of 1+n, alternately, `runs` times each, for each size. */
export async function measureCompose(sizes: number[], runs: number, baseImage: string, log: (s: string) => void): Promise<ComposeResult> {
    const missing = await composeMissing();
    if (missing) {
        log(`compose baseline not measured: ${missing}`);
        return { compose_baseline: [], compose_missing: missing };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rrbench-compose-"));
    const rows: ComposeRow[] = [];
    try {
        for (const replicas of sizes) {
            const plan = composePlan(replicas);
            const times = { composeUp: [] as number[], composeDown: [] as number[], oursUp: [] as number[], oursDown: [] as number[] };
            for (let i = 0; i < runs; i++) {
                const ours = async () => {
                    const d = await deploy("tuned", replicas, baseImage, { timedTeardown: true });
                    times.oursUp.push(d.upMs);
                    times.oursDown.push(d.teardownMs);
                    log(
                        `compose baseline 1+${replicas} run ${i + 1}/${runs}: ours up ${Math.round(d.upMs)} ms, down ${Math.round(d.teardownMs)} ms`,
                    );
                };
                const theirs = async () => {
                    const c = await composeOnce(plan, dir, `rrcompose${i}`);
                    times.composeUp.push(c.upMs);
                    times.composeDown.push(c.downMs);
                    log(
                        `compose baseline 1+${replicas} run ${i + 1}/${runs}: compose up ${Math.round(c.upMs)} ms, down ${Math.round(c.downMs)} ms`,
                    );
                };
                // Alternately first, so drift on a noisy machine hits both alike.
                for (const step of i % 2 === 0 ? [ours, theirs] : [theirs, ours]) await step();
            }
            const composeUp = stats(times.composeUp, `compose up 1+${replicas}`);
            const oursUp = stats(times.oursUp, `ours up 1+${replicas}`);
            const composeDown = stats(times.composeDown, `compose down 1+${replicas}`);
            const oursDown = stats(times.oursDown, `ours down 1+${replicas}`);
            rows.push({
                replicas,
                runs,
                compose_up_ms: composeUp,
                ours_up_ms: oursUp,
                up_ratio: ratio(oursUp.median, composeUp.median),
                compose_down_ms: composeDown,
                ours_down_ms: oursDown,
                down_ratio: ratio(oursDown.median, composeDown.median),
            });
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await removeLeftovers(COMPOSE_LABEL).catch(() => undefined);
    }
    return { compose_baseline: rows };
}
