// The update model's shapes: what a registration carries beyond what newResource gets, one
// resource's entry in the state the runs leave, a planned step, and the step log.
import type * as pulumi from "@pulumi/pulumi";
import type { LiveObject } from "../objects";

/** One step of a `pulumi up`, as the engine would carry it out. */
export interface UpdateStep {
    op: "create" | "same" | "update" | "replace" | "delete";
    type: string;
    name: string;
    urn: string;
    /** For replace: delete-first or create-first. */
    deleteBeforeReplace?: boolean;
    /** Input properties whose change caused an update or replace (for replace of a dependent: "dependency <urn>"). */
    changed?: string[];
    /** Date.now() when the step started and ended. */
    startedAt: number;
    endedAt: number;
}

/** What the RegisterResourceRequest says and MockResourceArgs lacks (read off it in request.ts). */
export interface Registration {
    urn: string;
    /** URN of the parent, "" for none. */
    parent: string;
    /** Every direct dependency (dependsOn and property dependencies). */
    dependencies: string[];
    /** Top-level input property → URNs its value came from: what decides a delete-first cascade. */
    propertyDependencies: Record<string, string[]>;
    /** The deleteBeforeReplace option, undefined when not set. */
    deleteBeforeReplace?: boolean;
    retainOnDelete: boolean;
    /**
     * URN of the resource named by the deletedWith option, undefined when not set: while that one
     * is deleted in the same run, this one's delete calls nothing (step.go:663).
     */
    deletedWith?: string;
    /** The types its alias specs name ("" for an alias of another kind). */
    aliasTypes: string[];
    /** Its aliases as URNs, as the engine collapses them (step_generator.go:545-584); an old resource under one is taken over. */
    aliasUrns: string[];
}

/** One resource in the state: as registered, and what its provider returned. */
export interface StateEntry {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    reg: Registration;
    /** The inputs, secrets unwrapped, as the program sent them. */
    inputs: Record<string, unknown>;
    id?: string;
    /** The provider's state (outputs), in its read-back form. */
    outputs: Record<string, unknown>;
    /** URN of its explicit docker provider; undefined: the default engine. */
    provider?: string;
    /** What the backend made for it (custom resources). */
    object?: LiveObject;
    /** docker.Image: digest of the build context and Dockerfile, as the provider's contextDigest. */
    digest?: string;
    /** Deleted by a delete-first cascade through this dependency's URN; created fresh when it registers. */
    pendingReplacement?: string;
}

/** What a re-registration comes to, by the provider's rules. */
export interface Plan {
    op: "same" | "update" | "replace";
    changed: string[];
    /** The provider's choice for a replace (the resource option overrides it). */
    deleteBeforeReplace: boolean;
    /** Dynamic resources: the provider loaded from the new __provider, and the checked new inputs. */
    dynamic?: { provider: pulumi.dynamic.ResourceProvider; checked: Record<string, unknown> };
}
