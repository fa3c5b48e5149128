// The Docker tier's later-`up` scenarios: one stack per scenario, with its own name, label,
// subnet and host ports, deployed and changed through the live backend's update model, and what
// the scenarios assert about the steps and the data.
import { strict as assert } from "assert";
import type { RedisReplicationGroupArgs } from "../../components";
import { dockerClient } from "../../harness/docker";
import { GroupStack, UpResult } from "../../harness/groupStack";
import { ensureBaseImage } from "../../harness/image";
import { requireDocker, UpdateStep } from "../../harness/liveDocker";
import { promiseOf } from "../../harness/pulumi";
import { countMissing, withClient } from "../../harness/redisClient";
import { PROJECT } from "./stackConfig";

export const PASSWORD = "update-Scenario-Passw0rd";
export const CONTAINER = "docker:index/container:Container";

/** The steps of one kind, as "op name", in the order they were carried out. */
export function opsOf(steps: UpdateStep[], filter: (s: UpdateStep) => boolean = () => true): string[] {
    return steps.filter(filter).map((s) => `${s.op} ${s.name}`);
}

export const isContainer = (s: UpdateStep): boolean => s.type === CONTAINER;

/** Steps other than "same". */
export function changed(steps: UpdateStep[]): string[] {
    return opsOf(steps, (s) => s.op !== "same");
}

/** Each named step started only after the one before it ended. */
export function assertOneAtATime(steps: UpdateStep[], names: string[]): void {
    const chain = names.map((n) => {
        const s = steps.find((x) => x.name === n);
        assert.ok(s, `no step for ${n}: ${opsOf(steps).join(", ")}`);
        return s;
    });
    for (let i = 1; i < chain.length; i++) {
        assert.ok(chain[i]!.startedAt >= chain[i - 1]!.endedAt, `${names[i]} started before ${names[i - 1]} had ended`);
    }
}

/** The named steps ran side by side: each started before any of them had ended. */
export function assertSideBySide(steps: UpdateStep[], names: string[]): void {
    const found = names.map((n) => {
        const s = steps.find((x) => x.name === n);
        assert.ok(s, `no step for ${n}: ${opsOf(steps).join(", ")}`);
        return s;
    });
    const firstEnd = found.reduce((a, b) => (b.endedAt < a.endedAt ? b : a));
    for (const s of found) assert.ok(s.startedAt < firstEnd.endedAt, `${s.name} started only after ${firstEnd.name} had ended`);
}

/** The message of an up that must fail; throws if it succeeded. */
export async function failureOf(run: () => Promise<unknown>): Promise<string> {
    try {
        await run();
    } catch (err) {
        return (err as Error).message;
    }
    throw new Error("the up succeeded");
}

/** Writes n keys on the master, each acknowledged by both replicas. */
export async function writeAcknowledged(port: number, prefix: string, n: number): Promise<string[]> {
    const keys = Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
    await withClient(port, PASSWORD, async (c) => {
        await c.mset(...keys.flatMap((k) => [k, k]));
        assert.ok(Number(await c.call("WAIT", "2", "5000")) >= 2, "both replicas acknowledged the keys");
    });
    return keys;
}

/** How many of keys each data node (by host port) lacks. */
export async function missing(ports: number[], keys: string[], password = PASSWORD): Promise<Record<number, number>> {
    const out: Record<number, number> = {};
    for (const port of ports) {
        out[port] = await withClient(port, password, (c) => countMissing(c, keys));
    }
    return out;
}

/** The image ID each named container runs. */
export async function imagesOf(names: string[]): Promise<string[]> {
    return Promise.all(names.map(async (n) => (await dockerClient().getContainer(n).inspect()).Image));
}

/** Where a family of scenarios lives: its names' prefix, its master ports' base and its subnets' third octet range. */
export interface ScenarioFamily {
    /** e.g. "upd": resources upd<n>-..., containers rr-upd-<n>-... */
    prefix: string;
    /** Scenario n's master is on portBase + n * 10, its replicas and sentinels after it. */
    portBase: number;
    /** Scenario n's subnet is 10.<subnetOctet>.<n>.0/24. */
    subnetOctet: number;
}

export const UPDATE_SCENARIOS: ScenarioFamily = { prefix: "upd", portBase: 7500, subnetOctet: 98 };

/** One scenario's stack: a group with its own name, subnet and host ports. */
export function scenario(n: number, family: ScenarioFamily = UPDATE_SCENARIOS) {
    const name = `${family.prefix}${n}`;
    const masterPort = family.portBase + n * 10;
    let stack: GroupStack | undefined;
    let firstUp: UpResult | undefined;
    let base = "";
    let admin = "";
    const args = (over: Partial<RedisReplicationGroupArgs> = {}): RedisReplicationGroupArgs => ({
        name: `rr-${family.prefix}-${n}`,
        network: { subnet: `10.${family.subnetOctet}.${n}.0/24` },
        master: { hostPort: masterPort },
        replicaCount: 2,
        image: { baseImage: base },
        password: PASSWORD,
        checkTimeoutSeconds: 60,
        ...over,
    });
    return {
        name,
        masterPort,
        args,
        async start(ctx: Mocha.Context): Promise<void> {
            await requireDocker(ctx);
            base = await ensureBaseImage();
            stack = await GroupStack.start(`${family.prefix}-${n}`, PROJECT, `${family.prefix}-${n}`);
        },
        async up(a: RedisReplicationGroupArgs): Promise<UpResult> {
            const result = await stack!.up(name, a);
            admin = await promiseOf(result.group.adminPassword);
            return result;
        },
        /** The first up with `over`, then 500 keys on the master, acknowledged by both replicas; returns them. */
        async deployWithKeys(ctx: Mocha.Context, over: Partial<RedisReplicationGroupArgs> = {}): Promise<string[]> {
            await this.start(ctx);
            firstUp = await this.up(args(over));
            return writeAcknowledged(masterPort, "before", 500);
        },
        /** What deployWithKeys's first up did. */
        get firstUp(): UpResult | undefined {
            return firstUp;
        },
        destroy: async (): Promise<void> => stack?.destroy(),
        get base(): string {
            return base;
        },
        /** The admin user's password, as the last up's output gave it: for what the application user may not run. */
        get admin(): string {
            return admin;
        },
    };
}
