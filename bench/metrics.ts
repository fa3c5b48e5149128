// Metrics, measured: a 1+2 group with 3 sentinels and its exporter; GET throughput on the master
// (redis-benchmark) while every target is scraped once a second through the exporter, as
// Prometheus would, and without scraping, alternately in one run; and how long one scrape of
// every target takes.
//
// measureMetrics sets Pulumi's mocks for its own stack: measures that keep their own mock monitor
// must set them again afterwards.
import { performance } from "perf_hooks";
import type { MetricsTarget } from "../components/metrics";
import { GroupStack } from "../harness/groupStack";
import { ensureExporterImage } from "../harness/image";
import { promiseOf } from "../harness/pulumi";
import { PASSWORD } from "./groups";
import { GET_CLIENTS, redisBenchmark } from "./load";
import { median } from "./stats";

export const METRICS_LABELS = ["bench-metrics"];
export const METRICS_IMAGES = ["redis-replication/rrmetrics:latest"];

export interface MetricsResult {
    metrics: {
        runs: number;
        /** One scrape of every target (3 data nodes, 3 sentinels) through the exporter, median. */
        scrape_ms: number;
        get_rps_with: number;
        get_rps_without: number;
        /** How much lower GET throughput is with the scrapes: (without − with) / without, %. */
        overhead_pct: number;
    };
}

/** Scrapes every target once, in parallel as Prometheus does; returns how long it took. */
async function scrapeAll(targets: MetricsTarget[]): Promise<number> {
    const t0 = performance.now();
    await Promise.all(
        targets.map(async (t) => {
            const body = await (await fetch(`http://${t.target}/scrape?target=${encodeURIComponent(t.uri)}`)).text();
            if (!/^redis_up 1$/m.test(body)) throw new Error(`${t.labels.node}: redis_up is not 1`);
        }),
    );
    return performance.now() - t0;
}

export async function measureMetrics(
    runs: number,
    baseImage: string,
    getRequests: number,
    log: (line: string) => void,
): Promise<MetricsResult> {
    const stack = await GroupStack.start(METRICS_LABELS[0]!, "redis-replication", METRICS_LABELS[0]!);
    try {
        const masterPort = 7720;
        const up = await stack.up("rrmetrics", {
            name: "rrmetrics",
            network: { subnet: "10.238.0.0/24" },
            master: { hostPort: masterPort },
            replicaCount: 2,
            sentinel: {},
            image: { baseImage },
            password: PASSWORD,
            metrics: { image: await ensureExporterImage(), hostPort: masterPort + 9 },
        });
        const { targets } = (await promiseOf(up.group.metrics))!;
        const scrapes: number[] = [];
        const rps = { with: [] as number[], without: [] as number[] };
        for (let run = 1; run <= runs; run++) {
            // Alternately, so a drift of the machine falls on both.
            for (const kind of run % 2 === 1 ? (["without", "with"] as const) : (["with", "without"] as const)) {
                let scraping = kind === "with";
                const loop = (async () => {
                    while (scraping) {
                        const started = performance.now();
                        scrapes.push(await scrapeAll(targets));
                        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))));
                    }
                })();
                try {
                    rps[kind].push(await redisBenchmark(masterPort, "get", getRequests, GET_CLIENTS));
                } finally {
                    scraping = false;
                    await loop;
                }
            }
            log(`run ${run}/${runs}: GET ${Math.round(rps.without.at(-1)!)} rps without scrapes, ${Math.round(rps.with.at(-1)!)} with`);
        }
        const without = median(rps.without);
        const withScrapes = median(rps.with);
        return {
            metrics: {
                runs,
                scrape_ms: Math.round(median(scrapes)),
                get_rps_with: Math.round(withScrapes),
                get_rps_without: Math.round(without),
                overhead_pct: Math.round(((without - withScrapes) / without) * 1000) / 10,
            },
        };
    } finally {
        await stack.destroy();
    }
}
