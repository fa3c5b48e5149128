// A host lost for good, replaced with one `up`: a 1+2 group with 3 sentinels on simulated hosts
// a, b, c; under a Sentinel-aware writer, a power cut on c, then the `up` with hosts.c.lost and a
// new host d (harness/hostLoss.ts), timed from the program's start to the check passed; the
// acknowledged writes any data node lacks afterwards are counted. Run after run, each on a fresh
// group.
//
// measureHostReplacement sets Pulumi's mocks for its own stacks: measures that keep their own mock
// monitor must set them again afterwards.
import type { RedisReplicationGroupArgs } from "../components";
import { GroupStack } from "../harness/groupStack";
import { replaceLostHost, simHostsArg, wipeLostHost } from "../harness/hostLoss";
import { copyImageToHosts, removeSimHosts, SimHost, simHostsAnswer, startSimHosts } from "../harness/hosts";
import { PASSWORD } from "./groups";
import { median } from "./stats";

export const HOST_REPLACEMENT_LABEL = "bench-host-replacement";
export const HOST_REPLACEMENT_IMAGES = ["redis-replication/rrhr:latest"];

export interface HostReplacementResult {
    host_replacement: {
        runs: number;
        /** The `up` with the lost host and a new one, from the program's start to the check passed (median). */
        ms: number;
        /** Writes acknowledged by a replica from before the power cut to the end of that `up`, over every run. */
        acked_writes: number;
        /** Of those, the most any data node lacked afterwards, summed over the runs. */
        lost_writes: number;
    };
}

function args(sim: SimHost[], baseImage: string, names: string[], lost: string[] = []): RedisReplicationGroupArgs {
    return {
        name: "rrhr",
        hosts: simHostsArg(sim, names, lost),
        network: { subnet: "10.237.0.0/24" },
        master: { hostPort: 7670 },
        replicaCount: 2,
        image: { baseImage },
        password: PASSWORD,
        sentinel: {},
    };
}

export async function measureHostReplacement(runs: number, baseImage: string, log: (line: string) => void): Promise<HostReplacementResult> {
    // Hosts that answer already are left running, as found.
    const found = await simHostsAnswer();
    const sim = (await startSimHosts()).slice(0, 4);
    const samples: { ms: number; acked: number; lost: number }[] = [];
    try {
        await copyImageToHosts(baseImage, sim);
        for (let run = 1; run <= runs; run++) {
            const stack = await GroupStack.start(HOST_REPLACEMENT_LABEL, "redis-replication", `bench-host-replacement-${run}`);
            try {
                const deployed = await stack.up("rrhr", args(sim, baseImage, ["a", "b", "c"]));
                const r = await replaceLostHost(stack, deployed, {
                    host: sim[2]!,
                    name: "rrhr",
                    args: args(sim, baseImage, ["a", "b", "c", "d"], ["c"]),
                    password: PASSWORD,
                });
                const lost = Math.max(...Object.values(r.lacking));
                samples.push({ ms: r.result.ms, acked: r.acked.length, lost });
                log(`run ${run}/${runs}: the up with c lost and d new ${r.result.ms} ms; ${r.acked.length} acknowledged, ${lost} lost`);
            } finally {
                await wipeLostHost(stack, sim[2]!, HOST_REPLACEMENT_LABEL);
                await stack.destroy();
            }
        }
    } finally {
        if (!found) await removeSimHosts();
    }
    return {
        host_replacement: {
            runs,
            ms: Math.round(median(samples.map((s) => s.ms))),
            acked_writes: samples.reduce((n, s) => n + s.acked, 0),
            lost_writes: samples.reduce((n, s) => n + s.lost, 0),
        },
    };
}
