// The live backend's public shapes, and the one context its resource handlers share.
import type * as pulumi from "@pulumi/pulumi";
import type Docker from "dockerode";

/** One object the backend made. */
export interface Created {
    /** Pulumi type token. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** Physical id (container/network id, volume/image name, command id). */
    id: string;
}

/** Options of createLiveBackend. */
export interface LiveBackendOptions {
    /** Value of the label redis-replication.test on everything created. */
    testLabel: string;
    /** Stands in for retainOnDelete (the mock gets no resource options): volumes it selects survive teardown and are listed in `retained`. */
    retain?: (name: string, type: string) => boolean;
    /** Directory relative Image build paths resolve against, as the program's cwd. Default process.cwd(). */
    cwd?: string;
    /** How long teardown waits for operations still in flight. Default 60 s. */
    settleTimeoutMs?: number;
}

/** The backend: hand `mocks` to pulumi.runtime.setMocks. */
export interface LiveBackend {
    /** For pulumi.runtime.setMocks. */
    mocks: pulumi.runtime.Mocks;
    /** What was made, in order. */
    created: Created[];
    /** Volumes kept by `retain` at teardown; the caller removes them. */
    retained: Created[];
    /** Removes what was made, newest first; safe after a failure and to call twice. */
    teardown(): Promise<void>;
}

/** What every handler shares: the engine, the run's settings, and the record of what was made. */
export interface BackendContext {
    docker: Docker;
    /** Value of the test label on everything made. */
    testLabel: string;
    /** The program's cwd, for relative paths. */
    cwd: string;
    /** retainOnDelete, as LiveBackendOptions.retain. */
    retain: (name: string, type: string) => boolean;
    /** What was made, in order. */
    created: Created[];
    /** Volumes kept at teardown. */
    retained: Created[];
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
