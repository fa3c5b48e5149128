// The per-host resources' public types: what a program passes to HostPresence and HostTeardown,
// and what their providers receive. Types only.
import type * as pulumi from "@pulumi/pulumi";

/** Arguments of a HostTeardown: how to clear the group off one Docker host when it leaves. */
export interface HostTeardownArgs {
    /** The group's name: its objects carry the label redis-replication.group=<group>. */
    group: pulumi.Input<string>;
    /** The host's name in `hosts`, for messages; "" for the group's one engine. */
    host: pulumi.Input<string>;
    /** The host's Docker engine (a Docker provider's host); undefined: the default engine. */
    docker?: pulumi.Input<string | undefined>;
    /** Keep the group's volumes (persistence.retain). */
    retainVolumes: pulumi.Input<boolean>;
    /** The host is gone for good: its delete calls nothing. */
    lost: pulumi.Input<boolean>;
    /** How long a container has to stop cleanly before it is killed, in s. */
    graceSeconds: pulumi.Input<number>;
}

/** The plain values HostTeardown's provider receives. */
export interface HostTeardownInputs {
    group: string;
    host: string;
    docker?: string;
    retainVolumes: boolean;
    lost: boolean;
    graceSeconds: number;
}

/** Arguments of a HostPresence: stands for the host being in the group. */
export interface HostPresenceArgs {
    /** The host's name in `hosts`; "" for the group's one engine. */
    host: pulumi.Input<string>;
}
