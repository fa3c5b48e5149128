// What each container is created with, kept apart from what replaces it. A container's upload
// (its redis.conf or sentinel.conf) holds the password and the live settings; any change of an
// upload replaces the container. So the upload is rendered from the node's NodeBoot, which takes
// the current password and live settings only when the node's fingerprint (every input that
// replaces the container) changes; otherwise LiveConfig applies them to the running node.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { NodePlan, splitSettings } from "../config";
import { defaultUserRules, GroupCredentials } from "./acl";
import { hostOf } from "./addresses";
import { NodeBoot } from "./liveConfig";
import type { BootSettings } from "./liveConfig";
import type { NodeContext } from "./nodeContext";
import { renderRedisConf, renderSentinelConf } from "./redisConf";

/** Stands for the password in a fingerprint: a new password replaces no container. */
const PASSWORD_PLACEHOLDER = "<password>";
/** Stand for the group's own users' passwords: they are generated once, and a digest of them would be theirs. */
const CREDS_PLACEHOLDER: GroupCredentials = { admin: "<admin>", replication: "<replication>", sentinel: "<sentinel>" };
/** Stands for the master a sentinel monitors in its fingerprint. */
const MONITOR_PLACEHOLDER = "0.0.0.0:0";

/**
 * A digest of every input whose change replaces the node's container, directly or through its
 * network or volume, and of its config without the password and live settings.
 */
export function nodeFingerprint(ctx: NodeContext, node: NodePlan, follows: pulumi.Input<string>): pulumi.Output<string> {
    // A sentinel learns the master from the others, whoever it is: the master it boots with
    // (kept in its NodeBoot) replaces no sentinel.
    const monitored = node.role === "sentinel" ? MONITOR_PLACEHOLDER : follows;
    const { plan } = ctx;
    const secrets = { password: plan.auth ? PASSWORD_PLACEHOLDER : undefined, creds: CREDS_PLACEHOLDER };
    const { volume, hostPath } = plan.persistence;
    const place = ctx.place(node);
    // With several hosts, the node's host too (its engine, its address); on one engine nothing more, so no fingerprint changes.
    const host = hostOf(plan, node);
    // Where a node came from (off a lost host) is no part of what it runs.
    const { movedFrom: _movedFrom, ...stable } = node;
    return pulumi.all([place.image, place.networkName, monitored]).apply(([image, network, of]) => {
        // An existing network as the name it has, whether the caller gave it as text or as an output.
        const networkPlan = plan.network.existing === undefined ? plan.network : { ...plan.network, existing: network };
        return crypto
            .createHash("sha256")
            .update(
                JSON.stringify([
                    image,
                    network,
                    networkPlan,
                    stable,
                    plan.hostIp,
                    volume,
                    hostPath,
                    plan.resources.cpus,
                    plan.name,
                    ...(host ? [host] : []),
                ]),
            )
            .update(
                node.role === "sentinel"
                    ? renderSentinelConf(node, plan, secrets, of)
                    : // Live settings and the application user's rules change on the running node.
                      renderRedisConf(node, plan, secrets, { replicaOf: of, live: {}, defaultRules: "" }),
            )
            .digest("hex");
    });
}

/**
 * The node's NodeBoot: the password and live settings its container is created with, and for a
 * sentinel the master it monitors (`follows`).
 */
export function createBoot(
    ctx: NodeContext,
    node: NodePlan,
    fingerprint: pulumi.Output<string>,
    follows: pulumi.Output<string>,
): pulumi.Output<BootSettings> {
    const live = node.role === "sentinel" ? {} : splitSettings(ctx.plan).live;
    const defaultRules = node.role === "sentinel" ? undefined : defaultUserRules(ctx.plan);
    const sentinel = node.role === "sentinel";
    const current = pulumi
        .all([ctx.password, ctx.users, ctx.tls, ctx.sentinelUsers, follows])
        .apply(([password, users, tls, sentinelUsers, of]) => ({
            password,
            live,
            defaultRules,
            // A sentinel's own users beside admin (the metrics user), when the group has any.
            users: sentinel ? sentinelUsers : users,
            tls,
            ...(sentinel ? { follows: of } : {}),
        }));
    return new NodeBoot(`${ctx.name}-${node.key}-boot`, { fingerprint, current }, { parent: ctx.parent, dependsOn: ctx.preflight }).boot;
}
