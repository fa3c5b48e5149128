// A live backend for the Pulumi SDK's mock monitor. It stands in for the Pulumi engine plus the
// pulumi-docker and pulumi-command providers (and the engine's dynamic-provider host), none of
// which can be installed here: newResource really creates, through dockerode, what the program
// declares. It serves the Docker test tier and the bench; it is not part of the product.
//
// Rules it keeps:
// - An input it does not know makes it throw, naming type, resource and property: configuration
//   is never silently dropped (inputs.ts). Empty values (undefined, null, [], {}) and `false`
//   for opt-in flags are ignored.
// - Everything it creates carries the label redis-replication.test=<testLabel>.
// - It keeps the state the runs leave, so the program can run again: beginUp() starts the next
//   `pulumi up`, whose registrations are diffed by the providers' rules and carried out in the
//   engine's order (update/pulumiEngine.ts); endUp() runs its deletes.
// - teardown() removes everything that exists, dependents first, as `pulumi destroy` would, except
//   what retainOnDelete keeps and what deletedWith leaves to another deletion. Images are kept
//   (removeTestImages() clears them).
// - A docker resource registered with `{ provider }` (a docker.Provider) lives on that provider's
//   engine (its `host`): create, update, read-back and removal go there (dockerEngines.ts); without
//   one, on the default engine. engines() lists every engine used, for leftover checks.
// - loseEngine(host) makes every create, update, read and delete that would go to that engine throw,
//   so a test proves that none does (deletes skipped by retainOnDelete or deletedWith call nothing).
//
// Accepted but without effect here (harmless): Image.buildOnPreview (never a preview),
// Container.containerReadRefreshTimeoutMilliseconds, Container.uploads[].sourceHash (a replace
// trigger), Command.triggers (only a replace trigger), Command.logging.
import * as pulumi from "@pulumi/pulumi";
import { dockerClient } from "../docker";
import { getNetwork } from "./network";
import { DockerEngines } from "./dockerEngines";
import type { BackendContext, LiveBackend, LiveBackendOptions, LiveObject } from "./types";
import { deleteScheduled } from "./update/schedule";
import { deleteEntry, endRun, newRun, register, removeObject, stateAfterFailure, UpRun } from "./update/pulumiEngine";
import { captureRegistrations, takeRegistration } from "./update/request";
import type { StateEntry, UpdateStep } from "./update/types";

/** Resolves once every promise has settled, or after timeoutMs. */
async function settle(pending: Set<Promise<unknown>>, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.allSettled([...pending]), timeout]);
    clearTimeout(timer);
}

/**
 * Removes every object that still exists: those in the state in the engine's delete order
 * (dependents first, as `pulumi destroy` does, whatever was replaced since), then the rest newest
 * first. Every failure is reported, the first one leading.
 */
export async function removeAll(ctx: BackendContext, state: StateEntry[]): Promise<void> {
    const errors: string[] = [];
    const tried = new Set<LiveObject>();
    const attempt = async (o: LiveObject, remove: () => Promise<void>): Promise<void> => {
        if (o.removal !== undefined || tried.has(o)) return;
        tried.add(o);
        try {
            await remove();
        } catch (err) {
            errors.push(`teardown of ${o.made.type} "${o.made.name}" (${o.made.id}): ${(err as Error).message}`);
        }
    };
    // A destroy deletes everything, so whatever a deletedWith names in the state is deleted too.
    const deleting = new Set(state.map((e) => e.urn));
    await deleteScheduled(
        state.filter((e) => e.object !== undefined),
        (e) => attempt(e.object!, () => deleteEntry(ctx, e, deleting)),
    );
    for (const o of [...ctx.objects].reverse()) await attempt(o, () => removeObject(ctx, o));
    if (errors.length > 0) throw new Error(errors.join("\n"));
}

/** A backend's context on these engines: nothing recorded yet. */
export function newBackendContext(engines: DockerEngines, testLabel: string, cwd: string): BackendContext {
    const ctx: BackendContext = {
        docker: engines.fallback,
        engines,
        testLabel,
        cwd,
        created: [],
        retained: [],
        objects: [],
        record(made, undo) {
            ctx.created.push(made);
            ctx.objects.push({ made, undo });
        },
    };
    return ctx;
}

export function createLiveBackend(opts: LiveBackendOptions): LiveBackend {
    captureRegistrations();
    const settleMs = opts.settleTimeoutMs ?? 60_000;
    const pending = new Set<Promise<unknown>>();
    let closed = false;
    let run: UpRun = newRun(new Map());
    let state = new Map<string, StateEntry>();
    const ctx = newBackendContext(new DockerEngines(dockerClient()), opts.testLabel, opts.cwd ?? process.cwd());
    const engines = ctx.engines;
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            // First, synchronously: the request this call belongs to (update/request.ts).
            const reg = takeRegistration(args.type, args.name);
            if (closed) return Promise.reject(new Error(`live backend: ${args.type} "${args.name}" registered after teardown`));
            if (run.ended)
                return Promise.reject(
                    new Error(`live backend: ${args.type} "${args.name}" registered after endUp() (call beginUp() first)`),
                );
            const p = register(ctx, run, args, reg);
            pending.add(p);
            const untrack = (): void => void pending.delete(p);
            p.then(untrack, untrack);
            return p;
        },
        async call(args) {
            if (args.token === "docker:index/getNetwork:getNetwork") {
                const where = `live backend: invoke ${args.token}`;
                const docker = engines.ofReference(args.provider, where);
                engines.assertReachable(docker, `${where} (read)`);
                return getNetwork(docker === ctx.docker ? ctx : { ...ctx, docker }, String(args.inputs.name));
            }
            return args.inputs;
        },
    };
    function beginUp(): void {
        if (!run.ended) throw new Error("live backend: beginUp() before the previous up ended (call endUp() first)");
        run = newRun(state);
    }
    async function endUp(): Promise<UpdateStep[]> {
        if (run.ended) throw new Error("live backend: endUp() without an up in progress (call beginUp() first)");
        // A registration may start only once those it waits on resolved: settle until none is left.
        const deadline = Date.now() + settleMs;
        do {
            await settle(pending, Math.max(0, deadline - Date.now()));
            await new Promise((r) => setImmediate(r));
        } while (pending.size > 0 && Date.now() < deadline);
        try {
            state = await endRun(ctx, run);
        } catch (err) {
            state = stateAfterFailure(run);
            throw err;
        }
        return [...run.steps];
    }
    async function teardown(): Promise<void> {
        closed = true;
        // Let operations in flight finish (or fail), so what they made is recorded and removed too.
        await settle(pending, settleMs);
        await removeAll(ctx, [...new Map([...state, ...run.current]).values()]);
    }
    return {
        mocks,
        created: ctx.created,
        retained: ctx.retained,
        teardown,
        beginUp,
        endUp,
        engines: () => engines.all(),
        loseEngine: (dockerHost) => engines.lose(dockerHost),
        regainEngine: (dockerHost) => engines.regain(dockerHost),
    };
}
