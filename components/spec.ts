// From the component's arguments to what the plan is made of. The plan is made before any
// resource exists, so it needs every value now; a name a caller passes as another resource's
// output (an existing network, an image) is planned with a stand-in and used as the output it is.
import * as pulumi from "@pulumi/pulumi";
import { directiveText, GroupSpec } from "../config";
import type { RedisReplicationGroupArgs } from "./args";

/** Stands in for a name known only at deployment: a valid Docker name, so the plan holds. */
export const NAME_KNOWN_LATER = "name-known-at-deployment";

/** Stands in for a PEM known only at deployment. */
const PEM_KNOWN_LATER = "-----BEGIN KNOWN AT DEPLOYMENT-----";

/** Names a caller passed as outputs; undefined where the value was known at once. */
export interface LateNames {
    existingNetwork?: pulumi.Output<string>;
    imageName?: pulumi.Output<string>;
}

/** The settings to plan from, and the names that are known only at deployment. */
export function splitArgs(args: RedisReplicationGroupArgs): { spec: GroupSpec; late: LateNames } {
    const { password: _password, dockerContext: _dockerContext, network, image, users, tls, ...rest } = args;
    const existing = nowOrLater(network?.existing);
    const imageName = nowOrLater(image?.name);
    const spec: GroupSpec = { ...rest };
    // A user's password is only ever hashed: one known later is planned with a stand-in the plan takes.
    if (users !== undefined) spec.users = users.map((u) => ({ ...u, password: nowOrLater(u.password).now }));
    // PEMs known only at deployment are checked by the preflight.
    const pem = (v: pulumi.Input<string>) => {
        const given = nowOrLater(v);
        return given.later ? PEM_KNOWN_LATER : given.now;
    };
    if (tls !== undefined) spec.tls = { ...tls, ca: pem(tls.ca), cert: pem(tls.cert), key: pem(tls.key) };
    // Only keys the caller gave: the plan reports every key it does not know.
    if (network !== undefined) spec.network = existing.later ? { ...network, existing: existing.now } : (network as GroupSpec["network"]);
    if (image !== undefined) spec.image = imageName.later ? { ...image, name: imageName.now } : (image as GroupSpec["image"]);
    return { spec, late: { existingNetwork: existing.later, imageName: imageName.later } };
}

/** A value known now is planned as it is (and checked there, whatever its type); an output or a promise later. */
function nowOrLater(value: pulumi.Input<string> | undefined): { now?: string; later?: pulumi.Output<string> } {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return { now: NAME_KNOWN_LATER, later: pulumi.output(value) };
    return { now: value };
}

/**
 * Stack config as the component's arguments: `replicas` written as a count becomes `replicaCount`,
 * and redisConfig's numbers and booleans their redis.conf text. For a spec parseGroupConfig accepted.
 */
export function argsOfStack(spec: GroupSpec): RedisReplicationGroupArgs {
    const { replicas, redisConfig, users, tls, hosts, backup, restoreFrom, ...rest } = spec;
    const args: RedisReplicationGroupArgs = { ...rest };
    // parseGroupConfig took the spec: every, keep and dir are there.
    if (backup !== undefined) args.backup = backup as RedisReplicationGroupArgs["backup"];
    // Stack config may give the file alone; the args, usable in every language, take an object.
    if (restoreFrom !== undefined) args.restoreFrom = typeof restoreFrom === "string" ? { file: restoreFrom } : restoreFrom;
    // parseGroupConfig took the spec: every host has its address.
    if (hosts !== undefined) args.hosts = hosts as RedisReplicationGroupArgs["hosts"];
    // parseGroupConfig took the spec: every user has its name, password and rules.
    if (users !== undefined) args.users = users as RedisReplicationGroupArgs["users"];
    if (tls !== undefined) args.tls = tls as RedisReplicationGroupArgs["tls"];
    if (typeof replicas === "number") args.replicaCount = replicas;
    else if (replicas !== undefined) args.replicas = replicas;
    if (redisConfig !== undefined) {
        args.redisConfig = Object.fromEntries(Object.entries(redisConfig).map(([key, value]) => [key, directiveText(value)]));
    }
    return args;
}
