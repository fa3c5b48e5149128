// What a re-registration comes to (same, update or replace), decided by each provider's own
// rules, and whether a dependent must be replaced when what it depends on is (the cascade).
import { DYNAMIC_PREFIX } from "../../docker";
import { loadSerializedProvider } from "../../loadSerialized";
import { buildDigest } from "../image";
import { isEmpty } from "../inputs";
import { DOCKER_PROVIDER } from "../dockerEngines";
import { readProviderInputs } from "../provider";
import { RANDOM_PASSWORD } from "../random";
import type { BackendContext } from "../types";
import { canonical, diffByRules, RuleTable } from "./compare";
import { BRIDGED_RULES } from "./dockerRules";
import type { Plan, StateEntry } from "./types";

/** The SDK's unknown value (@pulumi/pulumi 3.270.0 runtime/rpc.js:273), put into a dependent's inputs that come from a replaced resource. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const IMAGE = "docker:index/image:Image";
const COMMAND = "command:local:Command";
const CONTAINER = "docker:index/container:Container";

/**
 * pulumi-command's diff: triggers replace (create-first), the scripts and their environment
 * update in place (pulumi/pulumi-command@v0.6.0 provider/pkg/provider/provider.go:185-214;
 * pulumi/pulumi-command@010bd8e0 provider/pkg/provider/common/inputs.go:10 `replaceOnChanges`).
 */
const COMMAND_RULES: RuleTable = {
    triggers: { effect: "replace" },
    ...Object.fromEntries(
        ["create", "update", "delete", "environment", "dir", "interpreter", "stdin"].map((k) => [k, { effect: "update" }]),
    ),
};

/** terraform-provider-random's random_password: every attribute RequiresReplace (resource_password.go). */
const RANDOM_PASSWORD_RULES: RuleTable = Object.fromEntries(
    [
        "length",
        "special",
        "upper",
        "lower",
        "numeric",
        "number",
        "minUpper",
        "minLower",
        "minNumeric",
        "minSpecial",
        "overrideSpecial",
        "keepers",
    ].map((k) => [k, { effect: "replace" }]),
);

/** Top-level keys whose values differ. */
function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys]
        .filter((k) => canonical(isEmpty(olds[k]) ? undefined : olds[k]) !== canonical(isEmpty(news[k]) ? undefined : news[k]))
        .sort();
}

function byRules(where: string, table: RuleTable, olds: Record<string, unknown>, news: Record<string, unknown>, dbr: boolean): Plan {
    const { changed, replaces } = diffByRules(where, table, olds, news);
    if (replaces.length > 0) return { op: "replace", changed: replaces, deleteBeforeReplace: dbr };
    return { op: changed.length > 0 ? "update" : "same", changed, deleteBeforeReplace: false };
}

/**
 * The bridge's delete-before-replace: docker_container always (pulumi/pulumi-docker@237b7899
 * provider/resources.go:112-114); a network or volume when its autonamed `name` was given
 * (pulumi/pulumi-terraform-bridge@v3.137.0 pkg/tfbridge/provider.go:1275-1276, schema.go:193-245).
 */
function bridgedDeleteFirst(type: string, news: Record<string, unknown>): boolean {
    return type === CONTAINER || !isEmpty(news.name);
}

/** docker.Image: old inputs plus contextDigest against the new; any change rebuilds in place, never a replace (pulumi/pulumi-docker@237b7899 provider/provider.go:271-348). */
function imagePlan(ctx: BackendContext, old: StateEntry, news: Record<string, unknown>): Plan {
    const changed = changedKeys(old.inputs, news);
    if (old.digest !== buildDigest(ctx.cwd, news)) changed.push("build.contextDigest");
    return { op: changed.length > 0 ? "update" : "same", changed, deleteBeforeReplace: false };
}

/**
 * A dynamic resource, as the engine's nodejs dynamic-provider host runs it: the provider loaded
 * from the new __provider, check(oldInputs, news), then its diff(id, oldOutputs, checked)
 * (@pulumi/pulumi 3.270.0 cmd/dynamic-provider/index.js:119-204). No diff, or `changes` undefined, is
 * DIFF_UNKNOWN: the engine then compares old and new inputs (pulumi/pulumi@0ac56e87 pkg/resource/deploy/step_generator.go:2974-3008).
 */
async function dynamicPlan(where: string, old: StateEntry, news: Record<string, unknown>): Promise<Plan> {
    const text = news.__provider;
    if (typeof text !== "string") throw new Error(`${where}: no serialized __provider in the inputs`);
    const provider = await loadSerializedProvider(text);
    let checked = news;
    if (provider.check) {
        const res = await provider.check(old.inputs, news);
        if (res.failures && res.failures.length > 0) {
            throw new Error(`${where}: check failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
        }
        checked = { ...(res.inputs ?? news), __provider: text };
    }
    const dynamic = { provider, checked };
    const d = provider.diff ? await provider.diff(old.id!, old.outputs, checked) : {};
    if (d.replaces && d.replaces.length > 0) {
        return { op: "replace", changed: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace ?? false, dynamic };
    }
    const changed = changedKeys(old.inputs, checked).filter((k) => k !== "__provider");
    const op = d.changes === true || (d.changes === undefined && changed.length > 0) ? "update" : "same";
    return { op, changed: op === "update" ? changed : [], deleteBeforeReplace: false, dynamic };
}

/**
 * A docker.Provider: same inputs are the same provider. A new `host` makes the engine replace the
 * provider and, with it, every resource of it; the live backend does not model that and throws.
 * A change of sshOpts (ignored here, provider.ts) is taken as an update with no effect.
 */
function providerPlan(where: string, old: StateEntry, news: Record<string, unknown>): Plan {
    readProviderInputs(where, news);
    const changed = changedKeys(old.inputs, news);
    if (changed.includes("host")) {
        throw new Error(
            `${where}: changing a provider's host is not supported by the live backend (${JSON.stringify(old.inputs.host)} → ${JSON.stringify(news.host)}); the engine would replace the provider and every resource of it`,
        );
    }
    return { op: changed.length > 0 ? "update" : "same", changed, deleteBeforeReplace: false };
}

/** What re-registering `old` with the new inputs comes to. Throws for an input no rule covers. */
export async function planFor(ctx: BackendContext, old: StateEntry, news: Record<string, unknown>, where: string): Promise<Plan> {
    const bridged = BRIDGED_RULES[old.type];
    if (bridged) return byRules(where, bridged, old.outputs, news, bridgedDeleteFirst(old.type, news));
    if (old.type === IMAGE) return imagePlan(ctx, old, news);
    if (old.type === COMMAND) return byRules(where, COMMAND_RULES, old.inputs, news, false);
    if (old.type === RANDOM_PASSWORD) return byRules(where, RANDOM_PASSWORD_RULES, old.inputs, news, false);
    if (old.type.startsWith(DYNAMIC_PREFIX)) return dynamicPlan(where, old, news);
    if (old.type === DOCKER_PROVIDER) return providerPlan(where, old, news);
    throw new Error(`${where}: the update model has no rules for type ${old.type}`);
}

/**
 * The engine's requiresReplacement for a dependent of a delete-first replacement: the inputs
 * that came from a replaced resource become unknown, and the dependent's provider diff decides
 * (pulumi/pulumi@0ac56e87 pkg/resource/deploy/step_generator.go:3295-3382). Components never (S:3297).
 */
export async function dependentNeedsReplace(d: StateEntry, props: string[]): Promise<boolean> {
    if (!d.custom) return false;
    const bridged = BRIDGED_RULES[d.type];
    if (bridged) return props.some((p) => bridged[p]?.effect === "replace");
    if (d.type === COMMAND) return props.some((p) => COMMAND_RULES[p]?.effect === "replace");
    if (d.type === RANDOM_PASSWORD) return props.some((p) => RANDOM_PASSWORD_RULES[p]?.effect === "replace");
    if (d.type === IMAGE) return false;
    // A provider's host from a replaced resource would replace it (unknown host); a host change throws when it registers.
    if (d.type === DOCKER_PROVIDER) return false;
    if (d.type.startsWith(DYNAMIC_PREFIX)) {
        const text = d.outputs.__provider ?? d.inputs.__provider;
        const provider = await loadSerializedProvider(String(text));
        if (!provider.diff) return false;
        const news = { ...d.inputs, ...Object.fromEntries(props.map((p) => [p, UNKNOWN])) };
        const res = await provider.diff(d.id!, d.outputs, news);
        return (res.replaces?.length ?? 0) > 0;
    }
    return false;
}
