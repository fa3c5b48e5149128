// Property-by-property diff of a bridged resource's old state against its new inputs, as the
// Terraform bridge does it: the prior state (outputs, in the provider's read-back form) against
// the new config (pulumi/pulumi-terraform-bridge@v3.137.0 pkg/tfbridge/provider.go:1137-1192).
import { isEmpty } from "../inputs";

/** What a change of the property does: ForceNew replaces; the others update (Docker, or state only). */
export type Effect = "replace" | "update" | "state";

/** The provider's schema for one input property, as the diff needs it. */
export interface PropRule {
    effect: Effect;
    /** Computed: absent from the new inputs means "keep what the state holds", so no diff. */
    computed?: boolean;
    /** What an absent value stands for: the schema Default, or 0/"" for an Optional non-Computed scalar. */
    absent?: unknown;
    /** A TypeSet: compared order-insensitively. */
    set?: boolean;
    /** Brings a value (after `absent`) to the form the provider compares: defaults filled, inner sets sorted. */
    normalize?: (v: unknown) => unknown;
    /** Equality of its own, when the provider has a DiffSuppressFunc. */
    equal?: (olds: unknown, news: unknown) => boolean;
}

export type RuleTable = Record<string, PropRule>;

/** JSON with sorted keys and without empty fields, so equal values give equal text. */
export function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (v !== null && typeof v === "object") {
        const entries = Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => !isEmpty(x))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
    }
    return JSON.stringify(v ?? null);
}

function normalized(rule: PropRule, v: unknown): string {
    let x = isEmpty(v) ? rule.absent : v;
    if (rule.normalize) x = rule.normalize(x);
    if (!Array.isArray(x)) return canonical(x);
    const items = x.map(canonical);
    if (rule.set) items.sort();
    return `[${items.join(",")}]`;
}

/** Throws for a non-empty input the table has no rule for: strict, as the create handlers are. */
export function requireRules(where: string, table: Record<string, unknown>, news: Record<string, unknown>): void {
    for (const [key, v] of Object.entries(news)) {
        if (!isEmpty(v) && !(key in table)) {
            throw new Error(
                `${where}: the update model has no rule for input ${key} (value ${JSON.stringify(v)}); add one from the provider's schema`,
            );
        }
    }
}

/** The properties that differ, and those of them that force a replacement. */
export function diffByRules(where: string, table: RuleTable, olds: Record<string, unknown>, news: Record<string, unknown>) {
    requireRules(where, table, news);
    const changed: string[] = [];
    const replaces: string[] = [];
    for (const [key, rule] of Object.entries(table)) {
        const n = news[key];
        if (isEmpty(n) && rule.computed) continue;
        const o = olds[key];
        const same = rule.equal ? rule.equal(o, n) : normalized(rule, o) === normalized(rule, n);
        if (same) continue;
        changed.push(key);
        if (rule.effect === "replace") replaces.push(key);
    }
    return { changed, replaces };
}

/**
 * The state after an in-place update: the planned config, not a read-back (an SDKv2 Update that
 * does not end with Read; kreuzwerker/terraform-provider-docker@5074970c internal/provider/resource_docker_container_funcs.go:1076).
 * Computed properties absent from the new inputs keep their old values.
 */
export function plannedState(table: RuleTable, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...olds };
    for (const [key, rule] of Object.entries(table)) {
        if (!isEmpty(news[key])) out[key] = news[key];
        else if (!rule.computed) delete out[key];
    }
    return out;
}
