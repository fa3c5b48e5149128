// The live configuration's resources, as a program constructs them. Not serialized: they hand
// the engine the providers and the inputs, with the passwords made secret.
import * as pulumi from "@pulumi/pulumi";
import { liveConfigProvider, nodeBootProvider, passwordCommitProvider } from "./provider";
import type { BootSettings, LiveConfigArgs, NodeBootArgs, PasswordCommitArgs } from "./types";

function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: string[]): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])] };
}

/**
 * Before the rollout: applies changed live settings to every data node that was already running,
 * replicas first and the master last, each persisted with CONFIG REWRITE; a value Redis refuses
 * fails the `up` with every node put back. With a new password, every node and sentinel admits it
 * beside the old one, and each authenticates to the others with it.
 */
export class LiveConfig extends pulumi.dynamic.Resource {
    /** 1 on the first deploy, one more for each `up` that changed a live setting or the password. */
    declare readonly generation: pulumi.Output<number>;
    /** The directives the last change set, as "directive value". */
    declare readonly changed: pulumi.Output<string[]>;
    /** Whether the last change admitted a new password beside the old one. */
    declare readonly admittedPassword: pulumi.Output<boolean>;

    constructor(name: string, args: LiveConfigArgs, opts?: pulumi.CustomResourceOptions) {
        const props = { generation: undefined, changed: undefined, admittedPassword: undefined, ...args };
        const password = args.password === undefined ? undefined : pulumi.secret(args.password);
        const tls = args.tls === undefined ? undefined : pulumi.secret(args.tls);
        const secrets = { password, acl: pulumi.secret(args.acl), admin: pulumi.secret(args.admin), tls };
        super(
            liveConfigProvider,
            name,
            { ...props, ...secrets },
            withSecretOutputs(opts, ["password", "acl", "admin", "tls"]),
            "redis",
            "LiveConfig",
        );
    }
}

/** After the rollout: every node and sentinel takes the current password alone. */
export class PasswordCommit extends pulumi.dynamic.Resource {
    constructor(name: string, args: PasswordCommitArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            passwordCommitProvider,
            name,
            { ...args, password: pulumi.secret(args.password), admin: pulumi.secret(args.admin), tls: args.tls && pulumi.secret(args.tls) },
            withSecretOutputs(opts, ["password", "admin", "tls"]),
            "redis",
            "PasswordCommit",
        );
    }
}

/**
 * What one node's container is created with: the password and the live settings. It changes only
 * when the container is replaced anyway (its fingerprint changed) or a live setting was removed,
 * so a live change, applied by LiveConfig, leaves the container in place.
 */
export class NodeBoot extends pulumi.dynamic.Resource {
    /** The settings the node's container is created with. Secret. */
    declare readonly boot: pulumi.Output<BootSettings>;

    constructor(name: string, args: NodeBootArgs, opts?: pulumi.CustomResourceOptions) {
        const props = { boot: undefined, fingerprint: args.fingerprint, current: pulumi.secret(args.current) };
        super(nodeBootProvider, name, props, withSecretOutputs(opts, ["current", "boot"]), "redis", "NodeBoot");
    }
}
