// Check latency (goal ≤ 50 ms): from the last replica's master_link_status:up, seen by an
// observer polling INFO every 5 ms through the published ports, to the replication check returning.
import { deploy, PASSWORD, Variant } from "./groups";
import { LinkObserver } from "./observer";
import { Stats, stats } from "./stats";

/** Where one run's check latency went, ms. */
export interface LatencyParts {
    /** Last link up -> check returned: the check latency. */
    total: number;
    /** Last link up -> last container create returned (negative: the link came up later). */
    up_to_containers_done: number;
    /** Last container create returned -> check registered. */
    containers_done_to_check_start: number;
    /** Check registered -> check returned. */
    check_run: number;
}

export interface CheckLatency {
    /** Last link up -> check returned. */
    total: Stats;
    /** The parts of the run with the median total. */
    median_run: LatencyParts;
}

export async function measureCheckLatency(
    variant: Variant,
    runs: number,
    baseImage: string,
    log: (s: string) => void,
): Promise<CheckLatency> {
    const parts: LatencyParts[] = [];
    for (let i = 0; i < runs; i++) {
        let observer: LinkObserver | undefined;
        try {
            await deploy(variant, 2, baseImage, {
                before: (ports) => {
                    observer = new LinkObserver(ports.replicas, PASSWORD);
                },
                after: async (d) => {
                    const lastUp = await observer!.stop();
                    if (lastUp === undefined) throw new Error("check_latency: the observer never saw every replica's link up");
                    const t = d.times;
                    const p: LatencyParts = {
                        total: Math.round(t.checkDoneAt - lastUp),
                        up_to_containers_done: Math.round(t.lastContainerDoneAt - lastUp),
                        containers_done_to_check_start: Math.round(t.checkStartAt - t.lastContainerDoneAt),
                        check_run: Math.round(t.checkDoneAt - t.checkStartAt),
                    };
                    parts.push(p);
                    log(
                        `check_latency ${variant} run ${i + 1}/${runs}: ${p.total} ms (link up -> containers done ${p.up_to_containers_done}, ` +
                            `-> check start ${p.containers_done_to_check_start}, check ${p.check_run})`,
                    );
                },
            });
        } finally {
            await observer?.stop();
        }
    }
    const sorted = [...parts].sort((a, b) => a.total - b.total);
    const middle = sorted[Math.floor((sorted.length - 1) / 2)];
    if (!middle) throw new Error("check_latency: no samples");
    return {
        total: stats(
            parts.map((p) => p.total),
            "check_latency",
        ),
        median_run: middle,
    };
}
