// What each container is created with, kept apart from what replaces it. A container's upload
// (its redis.conf or sentinel.conf) holds the password and the live settings; any change of an
// upload replaces the container. So the upload is rendered from the node's NodeBoot, which takes
// the current password and live settings only when the node's fingerprint (every input that
// replaces the container) changes; otherwise LiveConfig applies them to the running node.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { NodePlan, splitSettings } from "../config";
import { NodeBoot } from "./liveConfig";
import type { BootSettings } from "./liveConfig";
import type { NodeContext } from "./nodes";
import { renderRedisConf, renderSentinelConf } from "./redisConf";

/** Stands for the password in a fingerprint: a new password replaces no container. */
const PASSWORD_PLACEHOLDER = "<password>";

/**
 * A digest of every input whose change replaces the node's container, directly or through its
 * network or volume, and of its config without the password and live settings.
 */
export function nodeFingerprint(ctx: NodeContext, node: NodePlan, follows: pulumi.Input<string>): pulumi.Output<string> {
    const { plan } = ctx;
    const pw = plan.auth ? PASSWORD_PLACEHOLDER : undefined;
    const { volume, hostPath } = plan.persistence;
    return pulumi.all([ctx.image, ctx.networkName, follows]).apply(([image, network, of]) => {
        // An existing network as the name it has, whether the caller gave it as text or as an output.
        const networkPlan = plan.network.existing === undefined ? plan.network : { ...plan.network, existing: network };
        return crypto
            .createHash("sha256")
            .update(JSON.stringify([image, network, networkPlan, node, plan.hostIp, volume, hostPath, plan.resources.cpus, plan.name]))
            .update(node.role === "sentinel" ? renderSentinelConf(node, plan, pw, of) : renderRedisConf(node, plan, pw, of, {}))
            .digest("hex");
    });
}

/** The node's NodeBoot: the password and live settings its container is created with. */
export function bootOf(ctx: NodeContext, node: NodePlan, fingerprint: pulumi.Output<string>): pulumi.Output<BootSettings> {
    const live = node.role === "sentinel" ? {} : splitSettings(ctx.plan).live;
    const current = pulumi.output(ctx.password).apply((password) => ({ password, live }));
    return new NodeBoot(`${ctx.name}-${node.key}-boot`, { fingerprint, current }, { parent: ctx.parent, dependsOn: ctx.preflight }).boot;
}
