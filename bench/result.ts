// The shape of a bench run's result, as bench/results/*.json holds it.
import type { FailoverSample } from "../harness/failover";
import type { CheckLatency } from "./checkLatency";
import type { ComposeRow } from "./compose";
import type { DeployEntry } from "./deploy";
import type { StartFloor } from "./engineFloor";
import type { ImageResult } from "./image";
import type { Lag, RoundTrip, Throughput } from "./load";
import type { LiveConfigResult } from "./liveConfig";
import type { TlsResult } from "./tls";
import type { MultihostResult } from "./multihost";
import type { HostReplacementResult } from "./hostReplacement";
import type { BackupResult } from "./backup";
import type { MetricsResult } from "./metrics";
import type { RolloutRow } from "./rollout";
import type { Stats } from "./stats";

export interface BenchResult {
    date: string;
    engine: string;
    cpus: number;
    mode: "quick" | "full";
    runs: number;
    runtime_s: number;
    deploy: DeployEntry[];
    check_latency_ms: Stats;
    /** check_latency_ms, and where the median run's latency went. */
    check_latency_detail: CheckLatency;
    image: ImageResult;
    /** Docker's own create + start of n bare containers at once, to read the deploy figures against. */
    docker_start_ms: StartFloor[];
    teardown_ms: Stats;
    /** docker-compose running the same image and settings, alternately with our tuned deploy: up and down, per size. */
    compose_baseline: ComposeRow[];
    /** Why the compose baseline was not measured (docker-compose missing); its goals are then unmet. */
    compose_missing?: string;
    lag: Lag;
    throughput: Throughput;
    /** One ioredis call's round trip (PING after PING on one connection), µs: the cost of each of the bench's polls. */
    ioredis_round_trip_us: RoundTrip;
    /** Sentinel failover of a 1+2 group with 3 sentinels: docker stop of the master -> new master and a write acknowledged. */
    failover_ms: Stats;
    failover_detail: FailoverDetail;
    /** Ups that replace every node of a 1+2 group (cpus 1 <-> 2), without and with sentinels, under a writer: medians of the runs, lost_writes summed. */
    rollout: RolloutRow[];
    /** The second `up` with no change, from the program's start to the check done. */
    noop_up_ms: number;
    /** An up with one live change on a 1+2 group (no container replaced), from the program's start to the check done. */
    live_config_ms: number;
    /** Password rotations under a writer and a link watcher: without sentinels, and with_sentinel; failed_commands and link_drops count both. */
    password_rotation: LiveConfigResult["password_rotation"];
    /** A 1+2 group with TLS (client certificates required) beside a plaintext one: deploy and GET throughput, side by side. */
    tls: TlsResult["tls"];
    /** Certificate rotations of a 1+2 group with 3 sentinels under a writer and a link watcher. */
    cert_rotation: TlsResult["cert_rotation"];
    /** A 1+2 group with 3 sentinels on three simulated hosts: deploy beside one engine's, and the loss of the master's host under a writer. */
    multihost: MultihostResult["multihost"];
    /** A host lost in a power cut under a writer, replaced with one `up` (hosts.c.lost and a new host d). */
    host_replacement?: HostReplacementResult["host_replacement"];
    /** About 100 MB backed up from a replica run after run, the master's forks counted; restores into a new group with AOF on. */
    backup: BackupResult["backup"];
    /** GET throughput on a 1+2 group's master with every target scraped once a second, and without, alternately. */
    metrics: MetricsResult["metrics"];
    goals: Goal[];
}

export interface FailoverDetail {
    /** sentinel.downAfterMilliseconds of the measured group. */
    down_after_ms: number;
    /** Writes acknowledged by a replica (WAIT 1) over all runs, and how many of them the new master lacked. */
    acked_writes: number;
    lost_acked_writes: number;
    runs: FailoverSample[];
}

export interface Goal {
    id: string;
    goal: string;
    target: string;
    measured: string;
    pass: boolean | null;
}
