// One `pulumi up` on the state the earlier runs left, in the engine's order (every source:
// docs/development.md#what-the-update-model-covers). PU = pulumi/pulumi@0ac56e87 (v3.259.0)
// pkg/resource/deploy/, S = PU step_generator.go.
// - Each registration: no old state → create; old → the provider's diff (diff.ts) → same,
//   update, or replace (S:1892-2177).
// - A replace is delete-first when the resource option says so, else as the provider chose
//   (S:2040-2046). Delete-first first deletes the dependents it forces to be replaced (cascade,
//   S:2047-2156, S:3268-3415), then the old, then creates the new. Create-first creates the new
//   and deletes the old with the post-steps (S:2159-2165).
// - A registration whose URN is not in the old state takes over the old resource under one of its
//   aliases (alias.ts, S:651-712); that old URN is then not deleted.
// - endRun: what this run did not register is deleted after every registration, dependents
//   first (deployment_executor.go:328-332, S:2747-2796), as a DeleteStep does it (deleteEntry):
//   retainOnDelete and deletedWith honoured (step.go:651-669).
// - A create, update, read or delete that would go to an engine a test declared lost throws
//   (LiveBackend.loseEngine, DockerEngines.lose in ../dockerEngines.ts); a delete that calls nothing does not.
import type * as pulumi from "@pulumi/pulumi";
import { unwrapSecrets } from "../../pulumi";
import { handlerFor } from "../handlers";
import { buildDigest } from "../image";
import { callsEngine, DOCKER_PROVIDER, lostEngineError, providerUrnOf } from "../dockerEngines";
import type { BackendContext, LiveObject, ResourceRequest } from "../types";
import { aliasCandidates } from "./alias";
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
    /** Old URN → the URN that took it over as an alias (the step generator's sg.aliased, S:693). */
    aliased: Map<string, string>;
    /** URN → the old URN it took over as an alias (sg.aliases, S:703): what its children inherit. */
    aliases: Map<string, string>;
    failures: string[];
    ended: boolean;
}

export function newRun(olds: Map<string, StateEntry>): UpRun {
    return { olds, current: new Map(), steps: [], createFirstOlds: [], aliased: new Map(), aliases: new Map(), failures: [], ended: false };
}

/**
 * Removes an object once, whoever asks; retainOnDelete keeps it and lists it in `retained`
 * (step.go:661-662). Removing a docker resource's object from a lost engine is refused.
 */
export function removeObject(ctx: BackendContext, o: LiveObject): Promise<void> {
    if (o.removal === undefined && !o.made.retainOnDelete && callsEngine(o.made.type)) {
        const lost = ctx.engines.lostHostOf(o.docker ?? ctx.engines.fallback);
        if (lost !== undefined) return Promise.reject(lostEngineError(`live backend: ${o.made.type} "${o.made.name}" (delete)`, lost));
    }
    o.removal ??= o.made.retainOnDelete ? Promise.resolve(void ctx.retained.push(o.made)) : o.undo();
    return o.removal;
}

/**
 * A delete as the engine's DeleteStep.Apply does it (step.go:651-669), by the old state's options:
 * retainOnDelete keeps the object (removeObject). deletedWith, while the resource it names is
 * deleted in the same deployment too (`deleting`, the step generator's sg.deletes; step.go:603-612),
 * calls nothing and leaves the object to that deletion: the backend forgets it, neither removing
 * it nor listing it as retained, so a leftover check shows whether that deletion really took it.
 * Otherwise the provider deletes it.
 */
export function deleteEntry(ctx: BackendContext, e: StateEntry, deleting: ReadonlySet<string>): Promise<void> {
    const o = e.object;
    if (o === undefined) return Promise.resolve();
    const target = e.reg.deletedWith;
    if (!o.made.retainOnDelete && target !== undefined && target !== e.urn && deleting.has(target))
        return (o.removal ??= Promise.resolve());
    return removeObject(ctx, o);
}

/**
 * What the step generator holds as deleted while the program runs: the dependents of delete-first
 * replacements (S:2129) not registered again, which would unmark them (S:1854-1858). The resources
 * the program drops join only with the post-steps (S:2419-2461).
 */
function deletingNow(run: UpRun): Set<string> {
    return new Set([...run.olds.values()].filter((o) => o.pendingReplacement !== undefined && !run.current.has(o.urn)).map((o) => o.urn));
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
    if (callsEngine(req.type)) ctx.engines.assertReachable(ctx.docker, `${req.where} (create)`);
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
        if (d.urn === root.urn || run.current.has(d.urn) || run.aliased.has(d.urn) || !d.custom) continue;
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
            elsewhere.push(deleteEntry(ctx, d, deletingNow(run)));
        } else {
            continue;
        }
        replaceSet.add(d.urn);
    }
    for (const d of doomed.reverse()) await deleteEntry(ctx, d, deletingNow(run));
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
    // A provider that took over an alias is the same provider.
    const oldProvider = old.provider === undefined ? undefined : (run.aliased.get(old.provider) ?? old.provider);
    if (oldProvider !== entry.provider) {
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
            if (callsEngine(req.type)) ctx.engines.assertReachable(ctx.docker, `${req.where} (update)`);
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
            await deleteEntry(ctx, old, deletingNow(run));
        }
        const res = await create(ctx, entry, req);
        if (!deleteFirst) run.createFirstOlds.push(old);
        return res;
    });
}

/**
 * The old entry a registration continues: the one under its URN, else the first under one of its
 * aliases, which it then takes over (S:651-712). A URN taken over twice, or both registered and
 * taken over, is an error, as in the engine.
 */
function oldOf(run: UpRun, reg: Registration, args: pulumi.runtime.MockResourceArgs, where: string): StateEntry | undefined {
    const takenBy = run.aliased.get(reg.urn);
    if (takenBy !== undefined) throw new Error(`${where}: ${reg.urn} was already taken over as an alias by ${takenBy}`);
    const own = run.olds.get(reg.urn);
    if (own !== undefined) return own;
    for (const alias of aliasCandidates(reg, args.type, args.name, run.aliases.get(reg.parent))) {
        const old = run.olds.get(alias);
        if (old === undefined) continue;
        if (run.current.has(alias)) throw new Error(`${where}: its alias ${alias} is registered in this run too`);
        const other = run.aliased.get(alias);
        if (other !== undefined) throw new Error(`${where}: its alias ${alias} was already taken over by ${other}`);
        run.aliased.set(alias, reg.urn);
        run.aliases.set(reg.urn, alias);
        return old;
    }
    return undefined;
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
    let old: StateEntry | undefined;
    try {
        old = oldOf(run, reg, args, where);
        if (!args.custom) return { id: undefined, state: args.inputs }; // component resources: nothing to make
        if (args.id) throw new Error(`${where}: reading or importing an existing resource (id ${args.id}) is not supported`);
        if (!handlerFor(args.type)) throw new Error(`${where}: resource type ${args.type} is not supported by the live backend`);
        // Its provider's engine: create, update, read-back and removal all go there.
        const docker = ctx.engines.ofReference(args.provider, where);
        if (args.provider) entry.provider = providerUrnOf(args.provider);
        const rctx = docker === ctx.docker ? ctx : { ...ctx, docker };
        return await carryOut(rctx, run, entry, old, { where, type: args.type, name: args.name, raw });
    } catch (err) {
        // A failed step leaves the old state in place (under its old URN), unless its object is already gone.
        if (old === undefined || old.object?.removal !== undefined || old.urn !== reg.urn) run.current.delete(reg.urn);
        if (old !== undefined && old.object?.removal === undefined) run.current.set(old.urn, old);
        run.failures.push((err as Error).message);
        throw err;
    }
}

/** The olds this run neither registered nor took over as an alias: deleted with the post-steps. */
function goneOf(run: UpRun): StateEntry[] {
    return [...run.olds.values()].filter((o) => !run.current.has(o.urn) && !run.aliased.has(o.urn));
}

/** The state after a failed `up`: what it registered, and the olds it did not get to delete. */
export function stateAfterFailure(run: UpRun): Map<string, StateEntry> {
    const state = new Map(run.current);
    for (const o of goneOf(run)) if (o.object?.removal === undefined) state.set(o.urn, o);
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
    const gone = goneOf(run);
    const deletes = [...gone, ...run.createFirstOlds];
    // Every delete of the post-steps is in sg.deletes before the first one runs (S:2419-2461).
    const deleting = new Set(deletes.map((e) => e.urn));
    await deleteScheduled(deletes, async (e) => {
        const remove = (): Promise<void> => deleteEntry(ctx, e, deleting);
        if (gone.includes(e) && e.custom) await step(run, e, { op: "delete" }, remove);
        else await remove();
    });
    return run.current;
}
