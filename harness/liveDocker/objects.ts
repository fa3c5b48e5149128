// What the live backend made: each object, and how `pulumi destroy` would remove it.
import type Docker from "dockerode";

/** One object the backend made. */
export interface Created {
    /** Pulumi type token. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** Physical id (container/network id, volume/image name, command id). */
    id: string;
    /** The retainOnDelete option as the program set it on the resource. */
    retainOnDelete?: boolean;
}

/** One object the backend made that may still exist, and how `pulumi destroy` would remove it. */
export interface LiveObject {
    made: Created;
    undo: () => Promise<void>;
    /** The engine it lives on (its resource's provider's, else the default). */
    docker?: Docker;
    /** Set once its removal started (or retainOnDelete kept it). */
    removal?: Promise<void>;
}
