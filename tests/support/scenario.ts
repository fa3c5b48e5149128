// Shared pieces of the Docker tier's scenarios (tests/docker/scenarios.test.ts): one live
// backend per scenario behind Pulumi's mocks, what the program sent for its replication
// check (to run that check again later), Redis clients on 127.0.0.1, bounded polling, and
// wall times for the closing note. Test support, not part of the product.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import Redis from "ioredis";
import { dockerClient, dockerUnavailableReason } from "./baseImage";
import { createLiveBackend, LiveBackend, listLeftovers, removeLeftovers } from "./liveDocker";
import { loadSerializedProvider } from "./loadSerialized";
import { PROJECT } from "./stackConfig";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";

/** Every scenario's wall time, in the order they ran, for the closing note. */
export const scenarioTimes: { name: string; ms: number }[] = [];

/** Skips (or in CI fails) the calling suite when no Docker engine answers, as the harness test does. */
export async function requireDocker(ctx: Mocha.Context): Promise<void> {
    const reason = await dockerUnavailableReason();
    if (reason === undefined) return;
    if (process.env.CI === "true") throw new Error(`docker tier cannot run in CI: ${reason}`);
    console.log(`    docker tier skipped: ${reason}`);
    ctx.skip();
}

/** Polls until check() returns a value (not undefined), or throws naming what() and the last error. */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
            last = undefined;
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) {
            const why = last === undefined ? "" : ` (last error: ${(last as Error).message ?? String(last)})`;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/** A connected ioredis client on 127.0.0.1:port; no retries, no offline queue. The caller disconnects it. */
export async function connect(port: number, password: string | undefined): Promise<Redis> {
    const client = new Redis({
        host: "127.0.0.1",
        port,
        password,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 2000,
        commandTimeout: 10_000,
    });
    client.on("error", () => undefined); // surfaced through the rejected command instead
    try {
        await client.connect();
    } catch (err) {
        client.disconnect();
        throw err;
    }
    return client;
}

/** Runs fn with a client on 127.0.0.1:port and always disconnects it. */
export async function withClient<T>(port: number, password: string | undefined, fn: (c: Redis) => Promise<T>): Promise<T> {
    const c = await connect(port, password);
    try {
        return await fn(c);
    } finally {
        c.disconnect();
    }
}

/** Inputs exactly as the program sent them (secrets unwrapped), for a resource of the scenario. */
type RawInputs = Record<string, unknown>;

function unwrapSecrets(v: unknown): unknown {
    if (pulumi.runtime.isRpcSecret(v)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(v));
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Options of startScenario. */
export interface ScenarioOptions {
    /** Value of the test label on everything the scenario makes; fixed, so a crashed run's leftovers are cleared. */
    testLabel: string;
    /** Stack name given to the mocks. */
    stack: string;
    /** Runs after the backend made a resource and before the program sees it (fault injection). */
    afterCreate?: (args: pulumi.runtime.MockResourceArgs, result: pulumi.runtime.MockResourceResult) => Promise<void>;
}

/** One scenario's backend and what it observed. */
export interface Scenario {
    name: string;
    backend: LiveBackend;
    /** Inputs of each dynamic resource (the replication check), by resource name, including __provider. */
    dynamicInputs: Map<string, RawInputs>;
    /** retainOnDelete as the program set it on each registration, by resource name. */
    retainOnDelete: Map<string, boolean>;
    started: number;
    finished: boolean;
}

/**
 * Clears stale leftovers of the label, makes a live backend and hands it to Pulumi's mocks.
 * The backend's `retain` follows the retainOnDelete the program really set (read off each
 * RegisterResourceRequest on the mock monitor), not a guess from names.
 */
export async function startScenario(name: string, opts: ScenarioOptions): Promise<Scenario> {
    const started = Date.now();
    const stale = await removeLeftovers(opts.testLabel);
    if (stale.length > 0) console.log(`    removed leftovers of an earlier run: ${stale.join("; ")}`);
    const retainOnDelete = new Map<string, boolean>();
    const dynamicInputs = new Map<string, RawInputs>();
    const backend = createLiveBackend({
        testLabel: opts.testLabel,
        retain: (resName, type) => type === "docker:index/volume:Volume" && retainOnDelete.get(resName) === true,
    });
    const mocks: pulumi.runtime.Mocks = {
        call: (args) => backend.mocks.call(args),
        async newResource(args) {
            if (args.type.startsWith(DYNAMIC_PREFIX)) dynamicInputs.set(args.name, unwrapSecrets(args.inputs) as RawInputs);
            const result = await backend.mocks.newResource(args);
            if (opts.afterCreate) await opts.afterCreate(args, result);
            return result;
        },
    };
    await pulumi.runtime.setMocks(mocks, PROJECT, opts.stack);
    // The mock monitor drops resource options before calling the mocks; read retainOnDelete here.
    type Req = { getName(): string; getRetainondelete(): boolean };
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: Req, cb: unknown) => unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        retainOnDelete.set(req.getName(), req.getRetainondelete());
        return register(req, cb);
    };
    return { name, backend, dynamicInputs, retainOnDelete, started, finished: false };
}

/**
 * `pulumi destroy`: tears the scenario down, then asserts nothing with its label is left except
 * the volumes `allowRetained` names (which the caller inspects and removes). Clears the label's
 * other leftovers even when failing, and records the wall time. A second call does nothing.
 */
export async function finishScenario(s: Scenario | undefined, testLabel: string, allowRetained: string[] = []): Promise<void> {
    if (s === undefined || s.finished) return;
    s.finished = true;
    let teardownError: unknown;
    try {
        await s.backend.teardown();
    } catch (err) {
        teardownError = err;
    }
    const left = await listLeftovers(testLabel);
    const expected = allowRetained.map((v) => `volume ${v}`);
    const unexpected = left.filter((l) => !expected.includes(l));
    if (unexpected.length > 0 || teardownError !== undefined) await removeLeftovers(testLabel);
    scenarioTimes.push({ name: s.name, ms: Date.now() - s.started });
    if (teardownError !== undefined) throw teardownError;
    assert.deepEqual(unexpected, [], `teardown of "${s.name}" left objects behind`);
}

/** For an `after` hook: if the scenario's own teardown test never ran (a failure before it), tear down and clear everything. */
export async function abandonScenario(s: Scenario | undefined, testLabel: string): Promise<void> {
    if (s === undefined) return;
    try {
        await finishScenario(s, testLabel);
    } finally {
        await removeLeftovers(testLabel);
    }
}

/**
 * Runs the group's replication check again the way the engine runs a dynamic resource: the
 * provider deserialized from the very `__provider` text the program sent, check() then create()
 * with the very inputs it sent (password included, as the engine holds it in state).
 */
export async function rerunCheck(s: Scenario, resourceName: string): Promise<Record<string, unknown>> {
    const raw = s.dynamicInputs.get(resourceName);
    assert.ok(raw, `no inputs recorded for ${resourceName}; recorded: ${[...s.dynamicInputs.keys()].join(", ")}`);
    const text = raw.__provider;
    assert.equal(typeof text, "string", "the check's inputs carry no serialized provider");
    const provider = await loadSerializedProvider(text as string);
    let inputs = raw;
    if (provider.check) {
        const res = await provider.check({}, raw);
        assert.deepEqual(res.failures ?? [], [], "check() refused the recorded inputs");
        inputs = { ...(res.inputs ?? raw), __provider: text };
    }
    const res = await provider.create(inputs);
    return res.outs as Record<string, unknown>;
}

/** docker inspect of a container by name. */
export function inspect(containerName: string): Promise<import("dockerode").ContainerInspectInfo> {
    return dockerClient().getContainer(containerName).inspect();
}
