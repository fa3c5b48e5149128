// The Preflight resource, as a program constructs it. Not serialized.
import * as pulumi from "@pulumi/pulumi";
import { preflightProvider } from "./provider";
import type { PreflightArgs } from "./types";

/**
 * Checks, before any other resource of the group is created (they all depend on it), what only
 * the deployment can check: a password known only then, and the Docker engine's state (host ports
 * free, the subnet overlapping no network, the names free or the group's own, an existing network
 * holding the nodes' IPs). Fails with every problem at once, each with its property path.
 */
export class Preflight extends pulumi.dynamic.Resource {
    constructor(name: string, args: PreflightArgs, opts?: pulumi.CustomResourceOptions) {
        const password = args.password === undefined ? undefined : pulumi.secret(args.password);
        const tls = args.tls === undefined ? undefined : pulumi.secret(args.tls);
        const secretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), "password", "tls"])];
        super(
            preflightProvider,
            name,
            { ...args, password, tls },
            { ...opts, additionalSecretOutputs: secretOutputs },
            "redis",
            "Preflight",
        );
    }
}
