// The per-host resources, as a program constructs them. Not serialized.
import * as pulumi from "@pulumi/pulumi";
import { hostPresenceProvider, hostTeardownProvider } from "./provider";
import type { HostPresenceArgs, HostTeardownArgs } from "./types";

/**
 * Clears the group off one Docker host when it is deleted (a destroy, or the host dropped from
 * `hosts`): every container stopped with its grace and removed, then the volumes (unless
 * retained) and the network. Calls nothing once the host is declared lost.
 */
export class HostTeardown extends pulumi.dynamic.Resource {
    constructor(name: string, args: HostTeardownArgs, opts?: pulumi.CustomResourceOptions) {
        super(hostTeardownProvider, name, args, opts, "redis", "HostTeardown");
    }
}

/** Stands for one host being in the group: its Docker resources are deleted with it. */
export class HostPresence extends pulumi.dynamic.Resource {
    constructor(name: string, args: HostPresenceArgs, opts?: pulumi.CustomResourceOptions) {
        super(hostPresenceProvider, name, args, opts, "redis", "HostPresence");
    }
}
