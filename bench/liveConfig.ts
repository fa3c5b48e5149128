// Live changes, measured: a 1+2 group is deployed through the component on the live backend's
// update model; then, run after run, an up with one live change (maxmemory-policy toggled, no
// container replaced: live_config_ms), and a password rotation (to a new password and back
// again) under a writer on its own connection (harness/writer.ts) and a watcher of the
// replication links (harness/linkWatcher.ts), without and with 3 sentinels.
//
// measureLiveConfig sets Pulumi's mocks for its own stacks: measures that keep their own mock
// monitor must set them again afterwards.
import type { RedisReplicationGroupArgs } from "../components";
import { ADMIN_USER } from "../components/acl";
import { GroupStack } from "../harness/groupStack";
import { LinkReport, LinkWatcher } from "../harness/linkWatcher";
import { promiseOf } from "../harness/pulumi";
import { AckedWriter } from "../harness/writer";
import { median } from "./stats";

const PASSWORDS = ["bench-live-Passw0rd-a", "bench-live-Passw0rd-b"];
/** The images the two variants build (their group names are rrlive1 and rrlive2). */
export const LIVE_IMAGES = ["redis-replication/rrlive1:latest", "redis-replication/rrlive2:latest"];
export const LIVE_LABELS = ["bench-live-1", "bench-live-2"];

/** A rotation's figures: the up's median, and every failed command and dropped link of every run. */
export interface RotationFigures {
    runs: number;
    total_ms: number;
    failed_commands: number;
    link_drops: number;
}

export interface LiveConfigResult {
    /** An up with one live change (maxmemory-policy) on a 1+2 group, from the program's start to the check done. */
    live_config_ms: number;
    /** Without sentinels at the top level; failed_commands and link_drops there count both variants. */
    password_rotation: RotationFigures & { with_sentinel: RotationFigures };
}

async function measureVariant(
    sentinel: boolean,
    runs: number,
    baseImage: string,
    liveMs: number[],
    log: (line: string) => void,
): Promise<RotationFigures> {
    const n = sentinel ? 2 : 1;
    const name = `rrlive${n}`;
    const masterPort = 7650 + n * 10;
    const args = (password: string, policy: string): RedisReplicationGroupArgs => ({
        name,
        network: { subnet: `10.234.${n}.0/24` },
        master: { hostPort: masterPort },
        replicaCount: 2,
        image: { baseImage },
        password,
        maxmemoryPolicy: policy,
        ...(sentinel ? { sentinel: {} } : {}),
    });
    const stack = await GroupStack.start(LIVE_LABELS[n - 1]!, "redis-replication", LIVE_LABELS[n - 1]!);
    const totals: number[] = [];
    let failed = 0;
    let drops = 0;
    try {
        let pw = 0;
        let policy = "noeviction";
        let last = await stack.up(name, args(PASSWORDS[pw]!, policy));
        for (let run = 1; run <= runs; run++) {
            policy = policy === "noeviction" ? "allkeys-lru" : "noeviction";
            const live = await stack.up(name, args(PASSWORDS[pw]!, policy));
            if (!sentinel) liveMs.push(live.ms);
            const recipe = sentinel ? await promiseOf(last.group.sentinelClient) : undefined;
            const writer = recipe ? await AckedWriter.start(recipe, PASSWORDS[pw]!) : await AckedWriter.direct(masterPort, PASSWORDS[pw]!);
            const admin = await promiseOf(live.group.adminPassword);
            const watcher = await LinkWatcher.start(masterPort, [masterPort + 1, masterPort + 2], admin, { username: ADMIN_USER });
            pw = 1 - pw;
            let links: LinkReport;
            try {
                last = await stack.up(name, args(PASSWORDS[pw]!, policy));
            } finally {
                await writer.stop();
                links = await watcher.stop();
            }
            totals.push(last.ms);
            failed += writer.failed;
            drops += links.drops;
            log(
                `${sentinel ? "with" : "without"} sentinel, run ${run}/${runs}: live change ${live.ms} ms; rotation ${last.ms} ms, ${writer.failed} failed of ${writer.acked.length + writer.unacked + writer.failed}, ${links.drops} link drops (${links.fullSyncs} full, ${links.partialSyncs} partial resyncs)`,
            );
        }
    } finally {
        await stack.destroy();
    }
    return { runs, total_ms: Math.round(median(totals)), failed_commands: failed, link_drops: drops };
}

export async function measureLiveConfig(runs: number, baseImage: string, log: (line: string) => void): Promise<LiveConfigResult> {
    const liveMs: number[] = [];
    const without = await measureVariant(false, runs, baseImage, liveMs, log);
    const withSentinel = await measureVariant(true, runs, baseImage, liveMs, log);
    return {
        live_config_ms: Math.round(median(liveMs)),
        password_rotation: {
            ...without,
            failed_commands: without.failed_commands + withSentinel.failed_commands,
            link_drops: without.link_drops + withSentinel.link_drops,
            with_sentinel: withSentinel,
        },
    };
}
