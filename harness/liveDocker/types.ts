// The live backend's public shapes, and the one context its resource handlers share.
import type * as pulumi from "@pulumi/pulumi";
import type Docker from "dockerode";
import type { DockerEngines } from "./dockerEngines";
import type { Created, LiveObject } from "./objects";
import type { UpdateStep } from "./update/types";

export type { Created, LiveObject };

/** Options of createLiveBackend. */
export interface LiveBackendOptions {
    /** Value of the label redis-replication.test on everything created. */
    testLabel: string;
    /** Directory relative Image build paths resolve against, as the program's cwd. Default process.cwd(). */
    cwd?: string;
    /** How long teardown waits for operations still in flight. Default 60 s. */
    settleTimeoutMs?: number;
}

/** The backend: hand `mocks` to pulumi.runtime.setMocks. */
export interface LiveBackend {
    /** For pulumi.runtime.setMocks. */
    mocks: pulumi.runtime.Mocks;
    /** What was made, in order, over every `up` (also what was removed since). */
    created: Created[];
    /** What retainOnDelete kept from a delete (at teardown or in an `up`); the caller removes it. */
    retained: Created[];
    /** Removes everything that exists now, newest first (as `pulumi destroy`); safe after a failure and to call twice. */
    teardown(): Promise<void>;
    /** Starts the next `pulumi up` on the state the previous runs left; call before pulumi.runtime.setMocks for the next program run. */
    beginUp(): void;
    /**
     * Ends the current `up`: waits for registrations in flight, then deletes what this run did not
     * declare (dependents first, as the engine's post-steps) and the olds of create-first
     * replacements. Returns this run's steps in the order they were carried out.
     */
    endUp(): Promise<UpdateStep[]>;
    /**
     * Every Docker engine the program used: the default one first, then one client per distinct
     * host of its docker.Providers (kept after teardown, for leftover checks on each).
     */
    engines(): Docker[];
    /**
     * Declares the engine at `dockerHost` (a docker.Provider's `host`, as the program gives it;
     * "" or DOCKER_HOST: the default engine) unreachable. From now on every create, update, read
     * (getNetwork) or delete of a docker resource that would go to it throws
     * `live backend: <type> "<name>" (<op>): a call to the lost engine <host>`, so a test proves that
     * no call reaches it. A delete that retainOnDelete or deletedWith skips calls nothing, nor does
     * a docker.Provider's own delete, nor a registration that comes to "same". teardown() calls it
     * too: regainEngine() first, for the objects still there.
     */
    loseEngine(dockerHost: string): void;
    /** Takes back loseEngine: calls go to that engine again. */
    regainEngine(dockerHost: string): void;
}

/** What every handler shares: the engine, the run's settings, and the record of what was made. */
export interface BackendContext {
    /** The engine of the resource at hand: its provider's, else the default one. */
    docker: Docker;
    /** Every engine: the default one, and those of the program's docker.Providers. */
    engines: DockerEngines;
    /** Value of the test label on everything made. */
    testLabel: string;
    /** The program's cwd, for relative paths. */
    cwd: string;
    /** What was made, in order. */
    created: Created[];
    /** What retainOnDelete kept from a delete. */
    retained: Created[];
    /** Everything made, in order; those without `removal` still exist. */
    objects: LiveObject[];
    /** Records a made object and how `pulumi destroy` would remove it. */
    record(made: Created, undo: () => Promise<void>): void;
}

/** One registration, as a handler gets it. */
export interface ResourceRequest {
    /** `live backend: <type> "<name>"`: what every error of this resource starts with. */
    where: string;
    /** Pulumi type token. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** The inputs, secrets unwrapped. */
    raw: Record<string, unknown>;
}

/** Creates one resource type's object and returns its id and state, as the provider would. */
export type Handler = (ctx: BackendContext, req: ResourceRequest) => Promise<pulumi.runtime.MockResourceResult>;
