// Docker's own floor, for reading the deploy figures: create + start of n bare containers of the
// project image at once (no Pulumi, no upload, no healthcheck), on a labelled network of the bench.
import { performance } from "perf_hooks";
import { dockerClient, TEST_LABEL } from "../harness/docker";
import { LABEL, PROJECT_IMAGE } from "./groups";
import { Stats, stats } from "./stats";

const SUBNET = "10.232.99.0/24";
const FIRST_PORT = 26900;

export interface StartFloor {
    containers: number;
    start_ms: Stats;
}

export async function measureStartFloor(counts: number[], runs: number, log: (s: string) => void): Promise<StartFloor[]> {
    const docker = dockerClient();
    const labels = { [TEST_LABEL]: LABEL };
    const net = await docker.createNetwork({ Name: "rrbench-floor-net", Labels: labels, IPAM: { Config: [{ Subnet: SUBNET }] } });
    const out: StartFloor[] = [];
    try {
        for (const n of counts) {
            const samples: number[] = [];
            for (let run = 0; run < runs; run++) {
                const t = performance.now();
                const made = await Promise.allSettled(
                    Array.from({ length: n }, async (_, i) => {
                        const c = await docker.createContainer({
                            Image: PROJECT_IMAGE,
                            Cmd: ["redis-server", "--save", "", "--appendonly", "no"],
                            Labels: labels,
                            ExposedPorts: { "6379/tcp": {} },
                            HostConfig: {
                                NetworkMode: "rrbench-floor-net",
                                PortBindings: { "6379/tcp": [{ HostIp: "127.0.0.1", HostPort: String(FIRST_PORT + i) }] },
                            },
                        });
                        await c.start();
                        return c;
                    }),
                );
                const elapsed = performance.now() - t;
                await Promise.all(made.map((m) => (m.status === "fulfilled" ? m.value.remove({ force: true }) : undefined)));
                const failed = made.find((m) => m.status === "rejected");
                if (failed) throw (failed as PromiseRejectedResult).reason;
                samples.push(elapsed);
            }
            const s = stats(samples, `docker start of ${n}`);
            log(`docker floor: create+start of ${n} bare container(s) at once: ${s.median} ms (${s.min}–${s.max})`);
            out.push({ containers: n, start_ms: s });
        }
    } finally {
        await net.remove().catch(() => undefined);
    }
    return out;
}
