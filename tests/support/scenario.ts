// Shared pieces of the Docker tier's scenarios (tests/docker/scenarios.test.ts): one live
// backend per scenario behind Pulumi's mocks, what the program sent for its replication
// check (to run that check again later), and wall times for the closing note.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { dockerClient, DYNAMIC_PREFIX } from "../../harness/docker";
import { clearStale, createAsEngine, createLiveBackend, LiveBackend, listLeftovers, removeLeftovers } from "../../harness/liveDocker";
import { unwrapSecrets } from "../../harness/pulumi";
import { PROJECT } from "./stackConfig";

/** Every scenario's wall time, in the order they ran, for the closing note. */
export const scenarioTimes: { name: string; ms: number }[] = [];

/** Inputs exactly as the program sent them (secrets unwrapped), for a resource of the scenario. */
type RawInputs = Record<string, unknown>;

/** Options of startScenario. */
export interface ScenarioOptions {
    /** Value of the test label on everything the scenario makes; fixed, so a crashed run's leftovers are cleared. */
    testLabel: string;
    /** Stack name given to the mocks. */
    stack: string;
    /** Project name given to the mocks (its config namespace). Default this project's. */
    project?: string;
    /** Runs after the backend made a resource and before the program sees it (fault injection). */
    afterCreate?: (args: pulumi.runtime.MockResourceArgs, result: pulumi.runtime.MockResourceResult) => Promise<void>;
}

/** One scenario's backend and what it observed. */
export interface Scenario {
    name: string;
    backend: LiveBackend;
    /** Inputs of each dynamic resource (the replication check), by resource name, including __provider. */
    dynamicInputs: Map<string, RawInputs>;
    /** retainOnDelete as the program set it on each resource made, by resource name. */
    readonly retainOnDelete: Map<string, boolean>;
    started: number;
    finished: boolean;
}

/**
 * Clears stale leftovers of the label, makes a live backend and hands it to Pulumi's mocks.
 * The backend honours the retainOnDelete the program really set (it reads it off each
 * RegisterResourceRequest), not a guess from names.
 */
export async function startScenario(name: string, opts: ScenarioOptions): Promise<Scenario> {
    const started = Date.now();
    await clearStale(opts.testLabel);
    const dynamicInputs = new Map<string, RawInputs>();
    const backend = createLiveBackend({ testLabel: opts.testLabel });
    const mocks: pulumi.runtime.Mocks = {
        call: (args) => backend.mocks.call(args),
        async newResource(args) {
            if (args.type.startsWith(DYNAMIC_PREFIX)) dynamicInputs.set(args.name, unwrapSecrets(args.inputs) as RawInputs);
            const result = await backend.mocks.newResource(args);
            if (opts.afterCreate) await opts.afterCreate(args, result);
            return result;
        },
    };
    await pulumi.runtime.setMocks(mocks, opts.project ?? PROJECT, opts.stack);
    return {
        name,
        backend,
        dynamicInputs,
        get retainOnDelete() {
            return new Map(backend.created.map((c) => [c.name, c.retainOnDelete === true]));
        },
        started,
        finished: false,
    };
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
    const { state } = await createAsEngine(raw, `rerun of ${resourceName}`);
    const { __provider: _, ...outs } = state;
    return outs;
}

/** docker inspect of a container by name. */
export function inspect(containerName: string): Promise<import("dockerode").ContainerInspectInfo> {
    return dockerClient().getContainer(containerName).inspect();
}
