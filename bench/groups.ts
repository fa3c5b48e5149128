// One Pulumi mock monitor for the whole run, in front of a fresh live backend per group, so
// groups can be deployed one after another in one process. The front records when the first
// container is asked for and when the replication check returns.
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import type * as Components from "../components";
import { dockerClient, DYNAMIC_PREFIX, REPO_ROOT, TEST_LABEL } from "../harness/docker";
import { createLiveBackend, LiveBackend, removeLeftovers } from "../harness/liveDocker";
import { promiseOf } from "../harness/pulumi";
import { withDeadline } from "./stats";

/** Value of the redis-replication.test label on everything the bench creates. */
export const LABEL = "bench";
/** The groups' `name`: container, network and volume prefix, and the project image's tag. */
export const GROUP_NAME = "rrbench";
/** The project image the component builds for GROUP_NAME. */
export const PROJECT_IMAGE = `redis-replication/${GROUP_NAME}:latest`;
export const PASSWORD = "bench-Passw0rd";

const CONTAINER_TYPE = "docker:index/container:Container";
const DEPLOY_DEADLINE_MS = 120_000;

/**
 * tuned: the component's defaults.
 * stock: Redis's stock replication (diskless sync with its 5 s delay) and a check polling once a
 *   second, set through the component's own args.
 */
export type Variant = "tuned" | "stock";
export const VARIANTS: Variant[] = ["tuned", "stock"];

/** The stock variant's settings, also what its expected check time is derived from. */
export const STOCK = { disklessSyncDelay: 5, checkPollIntervalMs: 1000 } as const;

/** Timestamps (performance.now()) of one group's deployment. */
export interface DeployTimes {
    /** Just before the group is declared. */
    declaredAt: number;
    /** The group's constructor returned: the program's own work, all synchronous. */
    constructedAt: number;
    firstContainerAt: number;
    lastContainerDoneAt: number;
    checkStartAt: number;
    checkDoneAt: number;
}

/** The resources of one group, on its own live backend. */
class Session {
    firstContainerAt?: number;
    lastContainerDoneAt?: number;
    checkStartAt?: number;
    checkDoneAt?: number;
    checkInputs?: Record<string, unknown>;

    constructor(readonly backend: LiveBackend) {}

    newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        const now = performance.now();
        const forward = () => this.backend.mocks.newResource(args) as Promise<pulumi.runtime.MockResourceResult>;
        if (args.type === CONTAINER_TYPE) {
            this.firstContainerAt ??= now;
            const p = forward();
            p.then(() => {
                this.lastContainerDoneAt = performance.now();
            }).catch(() => undefined);
            return p;
        }
        if (args.type.startsWith(DYNAMIC_PREFIX)) {
            this.checkStartAt = now;
            this.checkInputs = args.inputs;
            const p = forward();
            p.then(() => {
                this.checkDoneAt = performance.now();
            }).catch(() => undefined);
            return p;
        }
        return forward();
    }
}

let current: Session | undefined;
let components: typeof Components | undefined;
let counter = 0;

const front: pulumi.runtime.Mocks = {
    newResource(args) {
        if (!current) return Promise.reject(new Error(`bench: ${args.type} "${args.name}" registered outside a deployment`));
        return current.newResource(args);
    },
    call(args) {
        if (!current) return Promise.reject(new Error(`bench: call ${args.token} outside a deployment`));
        return current.backend.mocks.call(args);
    },
};

/** Sets the bench's mock monitor (again, if a measure set its own) and loads the component. */
export async function initPulumi(): Promise<void> {
    await pulumi.runtime.setMocks(front, "redis-replication", "bench", false);
    components ??= await import("../components");
}

/** Address slot of a deployment: its own /24 and host ports, rotating so nothing is reused back to back. */
export function slotOf(n: number): { subnet: string; masterPort: number } {
    const slot = n % 8;
    return { subnet: `10.232.${100 + slot}.0/24`, masterPort: 26100 + slot * 10 };
}

/** Host ports of master and replicas of a deployment. */
export function nodePorts(masterPort: number, replicas: number): { master: number; replicas: number[] } {
    return { master: masterPort, replicas: Array.from({ length: replicas }, (_, i) => masterPort + 1 + i) };
}

function argsFor(
    variant: Variant,
    replicas: number,
    subnet: string,
    masterPort: number,
    baseImage: string,
): Components.RedisReplicationGroupArgs {
    const args: Components.RedisReplicationGroupArgs = {
        name: GROUP_NAME,
        network: { subnet },
        master: { hostPort: masterPort },
        replicaCount: replicas,
        password: pulumi.secret(PASSWORD),
        image: { baseImage },
    };
    if (variant === "stock") {
        // Redis 7's own defaults: diskless sync, waiting 5 s for more replicas before the fork.
        return {
            ...args,
            replication: { disklessSync: true, disklessSyncDelay: STOCK.disklessSyncDelay },
            checkPollIntervalMs: STOCK.checkPollIntervalMs,
        };
    }
    return args;
}

/** What a deployment measured. */
export interface Deployment {
    variant: Variant;
    replicas: number;
    ports: { master: number; replicas: number[] };
    times: DeployTimes;
    /** First container asked for -> check returned. */
    deployMs: number;
    /** The program's start (the group declared) -> check returned: what a user waits for, preflight and network included. */
    upMs: number;
    /** The check's own durationMs output. */
    checkDurationMs: number;
    teardownMs: number;
}

/** Force-removes the bench's containers all at once; the backend's teardown then skips them (404). */
async function removeContainersAtOnce(): Promise<void> {
    const docker = dockerClient();
    const filters = JSON.stringify({ label: [`${TEST_LABEL}=${LABEL}`] });
    const list = await docker.listContainers({ all: true, filters });
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
}

/** Options of one deployment. */
export interface DeployHooks {
    /** Called before the group is declared (e.g. to start an observer). */
    before?: (ports: Deployment["ports"]) => void;
    /** Called once the check has passed, with the group still up. */
    after?: (d: Omit<Deployment, "teardownMs">) => Promise<void>;
    /**
     * Time backend.teardown() as it is (one resource after another). Otherwise, to save the run's
     * time, the containers are first removed all at once and teardownMs means little.
     */
    timedTeardown?: boolean;
}

/**
 * Deploys one group, runs the hooks against it (e.g. an observer started before the first
 * container, or load once it is up), then tears it down. Teardown always runs.
 */
export async function deploy(variant: Variant, replicas: number, baseImage: string, hooks: DeployHooks = {}): Promise<Deployment> {
    if (!components) throw new Error("bench: initPulumi() first");
    const n = counter++;
    const { subnet, masterPort } = slotOf(n);
    const ports = nodePorts(masterPort, replicas);
    const name = `${variant}-${replicas}r-${n}`;
    const session = new Session(createLiveBackend({ testLabel: LABEL, cwd: REPO_ROOT }));
    current = session;
    let result: Omit<Deployment, "teardownMs"> | undefined;
    let failure: unknown;
    try {
        hooks.before?.(ports);
        const declaredAt = performance.now();
        const group = new components.RedisReplicationGroup(name, argsFor(variant, replicas, subnet, masterPort, baseImage));
        const constructedAt = performance.now();
        const status = await withDeadline(promiseOf(group.replication), DEPLOY_DEADLINE_MS, `deploy ${name}`);
        const { firstContainerAt, lastContainerDoneAt, checkStartAt, checkDoneAt, checkInputs } = session;
        if (
            firstContainerAt === undefined ||
            lastContainerDoneAt === undefined ||
            checkStartAt === undefined ||
            checkDoneAt === undefined
        ) {
            throw new Error(`deploy ${name}: a timestamp is missing`);
        }
        if (variant === "stock" && checkInputs?.pollIntervalMs !== STOCK.checkPollIntervalMs) {
            throw new Error(
                `deploy ${name}: the check did not get pollIntervalMs ${STOCK.checkPollIntervalMs} (got ${JSON.stringify(checkInputs?.pollIntervalMs)})`,
            );
        }
        const times = { declaredAt, constructedAt, firstContainerAt, lastContainerDoneAt, checkStartAt, checkDoneAt };
        result = {
            variant,
            replicas,
            ports,
            times,
            deployMs: checkDoneAt - firstContainerAt,
            upMs: checkDoneAt - declaredAt,
            checkDurationMs: status.durationMs,
        };
        await hooks.after?.(result);
    } catch (err) {
        failure = err;
    }
    if (!hooks.timedTeardown) await removeContainersAtOnce().catch(() => undefined);
    const t = performance.now();
    try {
        await session.backend.teardown();
    } catch (err) {
        failure ??= err;
        await removeLeftovers(LABEL).catch(() => undefined);
    } finally {
        current = undefined;
    }
    const teardownMs = performance.now() - t;
    if (failure !== undefined || !result) throw failure ?? new Error(`deploy ${name}: no result`);
    return { ...result, teardownMs };
}
