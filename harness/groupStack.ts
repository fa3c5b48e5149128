// One stack of the component on a live backend, `pulumi up` after `pulumi up`: each up runs the
// program anew on a fresh mock monitor over the state the last one left (the backend's update
// model), and returns what it did. For the Docker tier's update scenarios and the bench's rollout.
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { RedisReplicationGroup, RedisReplicationGroupArgs, ReplicationStatus } from "../components";
import { clearStale, createLiveBackend, LiveBackend, teardownAndVerify, UpdateStep } from "./liveDocker";
import { promiseOf } from "./pulumi";

/** What one `up` did. */
export interface UpResult {
    steps: UpdateStep[];
    group: RedisReplicationGroup;
    /** The check's result. */
    replication: ReplicationStatus;
    /** From the program's start to the end of the up (the check done, what is gone deleted). */
    ms: number;
}

export class GroupStack {
    private runs = 0;

    private constructor(
        readonly backend: LiveBackend,
        private readonly testLabel: string,
        private readonly project: string,
        private readonly stack: string,
    ) {}

    /** A stack whose objects carry testLabel; stale objects of a crashed run with that label are removed first. */
    static async start(testLabel: string, project: string, stack: string): Promise<GroupStack> {
        await clearStale(testLabel);
        return new GroupStack(createLiveBackend({ testLabel }), testLabel, project, stack);
    }

    /** `pulumi up` with the group declared by name and args. */
    async up(name: string, args: RedisReplicationGroupArgs): Promise<UpResult> {
        if (this.runs++ > 0) this.backend.beginUp();
        const started = performance.now();
        await pulumi.runtime.setMocks(this.backend.mocks, this.project, this.stack);
        const { RedisReplicationGroup } = await import("../components");
        let group: RedisReplicationGroup;
        try {
            group = new RedisReplicationGroup(name, args);
        } catch (err) {
            // Bad input throws before anything exists: the up ends there, as the engine ends it.
            await this.backend.endUp().catch(() => undefined);
            throw err;
        }
        const replication = await promiseOf(group.replication).catch(async (err: unknown) => {
            // The up ends all the same, as the engine ends it; what failed keeps its old state.
            await this.backend.endUp().catch(() => undefined);
            throw err;
        });
        const steps = await this.backend.endUp();
        return { steps, group, replication, ms: Math.round(performance.now() - started) };
    }

    /** `pulumi destroy`, then nothing with the label may be left. */
    async destroy(): Promise<void> {
        await teardownAndVerify(this.backend, this.testLabel);
    }
}
