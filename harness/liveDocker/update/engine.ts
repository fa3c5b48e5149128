// One `pulumi up` on the state the earlier runs left, in the engine's order (rules.md §5):
// PU = pulumi/pulumi pkg/resource/deploy/, S = PU step_generator.go.
// - Each registration: no old state → create; old → the provider's diff (diff.ts) → same,
//   update, or replace (S:1892-2177).
// - A replace is delete-first when the resource option says so, else as the provider chose
//   (S:2040-2046). Delete-first first deletes the dependents it forces to be replaced (cascade,
//   S:2047-2156, S:3268-3415), then the old, then creates the new. Create-first creates the new
//   and deletes the old with the post-steps (S:2159-2165).
// - endRun: what this run did not register is deleted after every registration, dependents
//   first (deployment_executor.go:328-332, S:2747-2796), with retainOnDelete honoured (step.go:661-662).
import type * as pulumi from "@pulumi/pulumi";
import { unwrapSecrets } from "../../pulumi";
import { handlerFor } from "../handlers";
import { buildDigest } from "../image";
import { DOCKER_PROVIDER, providerUrnOf } from "../provider";
import type { BackendContext, LiveObject, ResourceRequest } from "../types";
import { applyUpdate } from "./apply";
import { dependentNeedsReplace, planFor } from "./diff";
import { deleteScheduled } from "./schedule";
import type { Registration, StateEntry, UpdateStep } from "./types";

type Result = pulumi.runtime.MockResourceResult;

/** One `up`: the state it starts from, what it registered, and what it did. */
export interface UpRun {
    olds: Map<string, StateEntry>;
    /** Registered in this run, in the order the registrations started (dependencies first). */
    current: Map<string, StateEntry>;
    steps: UpdateStep[];
    /** Olds of create-first replacements, deleted with the post-steps. */
    createFirstOlds: StateEntry[];
    failures: string[];
    ended: boolean;
}

export function newRun(olds: Map<string, StateEntry>): UpRun {
    return { olds, current: new Map(), steps: [], createFirstOlds: [], failures: [], ended: false };
}

/** Removes an object once, whoever asks; retainOnDelete keeps it and lists it in `retained` (step.go:661-662). */
export function removeObject(ctx: BackendContext, o: LiveObject): Promise<void> {
    o.removal ??= o.made.retainOnDelete ? Promise.resolve(void ctx.retained.push(o.made)) : o.undo();
    return o.removal;
}

async function step<T>(run: UpRun, e: StateEntry, s: Partial<UpdateStep> & Pick<UpdateStep, "op">, fn: () => Promise<T>): Promise<T> {
    const logged: UpdateStep = { ...s, type: e.type, name: e.name, urn: e.urn, startedAt: Date.now(), endedAt: NaN };
    run.steps.push(logged);
    try {
        return await fn();
    } finally {
        logged.endedAt = Date.now();
    }
}

/** Creates the resource with its type's handler; the object it records belongs to `entry`. */
async function create(ctx: BackendContext, entry: StateEntry, req: ResourceRequest): Promise<Result> {
    const sub: BackendContext = {
        ...ctx,
        record(made, undo) {
            ctx.record({ ...made, retainOnDelete: entry.reg.retainOnDelete }, undo);
            entry.object = ctx.objects.at(-1);
            if (entry.object) entry.object.docker = ctx.docker;
        },
    };
    const res = await handlerFor(req.type)!(sub, req);
    return adopt(ctx, entry, req, res.id, res.state ?? {});
}

/** Fills the entry with the provider's answer; the object's retainOnDelete follows the newest registration. */
function adopt(
    ctx: BackendContext,
    entry: StateEntry,
    req: ResourceRequest,
    id: string | undefined,
    state: Record<string, unknown>,
): Result {
    entry.id = id;
    entry.outputs = state;
    if (entry.object) entry.object.made.retainOnDelete = entry.reg.retainOnDelete;
    if (entry.type === "docker:index/image:Image") entry.digest = buildDigest(ctx.cwd, req.raw);
    if (entry.type === DOCKER_PROVIDER) ctx.engines.setProvider(entry.urn, state.host as string | undefined);
    return { id, state };
}

/**
 * A delete-first replacement's cascade (S:3268-3415): each dependent in the old state, not yet
 * registered this run, whose property dependencies reference the replace set and whose provider
 * says those properties (unknown now) force a replacement, joins the set. They are deleted
 * dependents first and marked pending-replacement (S:2082-2130): when they register they are
 * created fresh. A dependsOn-only edge never replaces (S:3326-3341).
 */
async function cascade(ctx: BackendContext, run: UpRun, root: StateEntry): Promise<void> {
    const replaceSet = new Set([root.urn]);
    const doomed: StateEntry[] = [];
    const elsewhere: Promise<void>[] = [];
    for (const d of run.olds.values()) {
        if (d.urn === root.urn || run.current.has(d.urn) || !d.custom) continue;
        const hit = Object.entries(d.reg.propertyDependencies).filter(([, urns]) => urns.some((u) => replaceSet.has(u)));
        if (hit.length === 0) continue;
        if (
            d.pendingReplacement === undefined &&
            (await dependentNeedsReplace(
                d,
                hit.map(([k]) => k),
            ))
        ) {
            d.pendingReplacement ??= hit[0]![1].find((u) => replaceSet.has(u));
            doomed.push(d);
        } else if (d.pendingReplacement !== undefined) {
            // Another cascade is deleting it: its deletion must end before the root goes.
            if (d.object) elsewhere.push(removeObject(ctx, d.object));
        } else {
            continue;
        }
        replaceSet.add(d.urn);
    }
    for (const d of doomed.reverse()) if (d.object) await removeObject(ctx, d.object);
    await Promise.all(elsewhere);
}

async function carryOut(
    ctx: BackendContext,
    run: UpRun,
    entry: StateEntry,
    old: StateEntry | undefined,
    req: ResourceRequest,
): Promise<Result> {
    if (old === undefined) return step(run, entry, { op: "create" }, () => create(ctx, entry, req));
    if (old.pendingReplacement !== undefined) {
        const s = { op: "replace", deleteBeforeReplace: true, changed: [`dependency ${old.pendingReplacement}`] } as const;
        return step(run, entry, { ...s, changed: [...s.changed] }, () => create(ctx, entry, req));
    }
    if (old.provider !== entry.provider) {
        // The engine would diff with the new provider and mostly replace; here the object would be
        // updated or kept on an engine it is not on.
        throw new Error(
            `${req.where}: moving a resource to another provider (${old.provider ?? "the default one"} → ${entry.provider ?? "the default one"}) is not supported by the live backend`,
        );
    }
    const plan = await planFor(ctx, old, req.raw, req.where);
    if (plan.op === "same") {
        entry.object = old.object;
        entry.digest = old.digest;
        return step(run, entry, { op: "same" }, async () => adopt(ctx, entry, req, old.id, old.outputs));
    }
    if (plan.op === "update") {
        return step(run, entry, { op: "update", changed: plan.changed }, async () => {
            const updated = await applyUpdate(ctx, old, req, plan);
            entry.object = old.object;
            if (updated.undo && old.object) old.object.undo = updated.undo;
            return adopt(ctx, entry, req, old.id, updated.state);
        });
    }
    const deleteFirst = entry.reg.deleteBeforeReplace ?? plan.deleteBeforeReplace;
    return step(run, entry, { op: "replace", deleteBeforeReplace: deleteFirst, changed: plan.changed }, async () => {
        if (deleteFirst) {
            await cascade(ctx, run, old);
            if (old.object) await removeObject(ctx, old.object);
        }
        const res = await create(ctx, entry, req);
        if (!deleteFirst) run.createFirstOlds.push(old);
        return res;
    });
}

/** One registration of this run. */
export async function register(ctx: BackendContext, run: UpRun, args: pulumi.runtime.MockResourceArgs, reg: Registration): Promise<Result> {
    const where = `live backend: ${args.type} "${args.name}"`;
    if (run.current.has(reg.urn)) throw new Error(`${where}: duplicate resource URN ${reg.urn}`);
    const raw = unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>;
    const entry: StateEntry = {
        urn: reg.urn,
        type: args.type,
        name: args.name,
        custom: args.custom ?? false,
        reg,
        inputs: raw,
        outputs: args.inputs,
    };
    run.current.set(reg.urn, entry);
    const old = run.olds.get(reg.urn);
    try {
        if (!args.custom) return { id: undefined, state: args.inputs }; // component resources: nothing to make
        if (args.id) throw new Error(`${where}: reading or importing an existing resource (id ${args.id}) is not supported`);
        if (!handlerFor(args.type)) throw new Error(`${where}: resource type ${args.type} is not supported by the live backend`);
        // Its provider's engine: create, update, read-back and removal all go there.
        const docker = ctx.engines.ofReference(args.provider, where);
        if (args.provider) entry.provider = providerUrnOf(args.provider);
        const rctx = docker === ctx.docker ? ctx : { ...ctx, docker };
        return await carryOut(rctx, run, entry, old, { where, type: args.type, name: args.name, raw });
    } catch (err) {
        // A failed step leaves the old state in place, unless its object is already gone.
        if (old !== undefined && old.object?.removal === undefined) run.current.set(reg.urn, old);
        else run.current.delete(reg.urn);
        run.failures.push((err as Error).message);
        throw err;
    }
}

/** The state after a failed `up`: what it registered, and the olds it did not get to delete. */
export function stateAfterFailure(run: UpRun): Map<string, StateEntry> {
    const state = new Map(run.current);
    for (const o of run.olds.values()) if (!state.has(o.urn) && o.object?.removal === undefined) state.set(o.urn, o);
    return state;
}

/**
 * The post-steps: deletes what the run did not register and the olds of create-first
 * replacements, dependents first. Returns the state the next run starts from. After a failed
 * registration nothing is deleted (a failed step ends the update before its post-steps) and it throws.
 */
export async function endRun(ctx: BackendContext, run: UpRun): Promise<Map<string, StateEntry>> {
    run.ended = true;
    if (run.failures.length > 0) {
        throw new Error(
            `live backend: this up had ${run.failures.length} failed step(s), so nothing was deleted:\n${run.failures.join("\n")}`,
        );
    }
    const gone = [...run.olds.values()].filter((o) => !run.current.has(o.urn));
    await deleteScheduled([...gone, ...run.createFirstOlds], async (e) => {
        const remove = async (): Promise<void> => {
            if (e.object) await removeObject(ctx, e.object);
        };
        if (gone.includes(e) && e.custom) await step(run, e, { op: "delete" }, remove);
        else await remove();
    });
    return run.current;
}
