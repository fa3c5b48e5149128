// How the group's own tools (the check, the live configuration, the rollout) log in to every node
// and sentinel, and the passwords of the group's own users, generated once.
import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import { GroupPlan, NodePlan } from "../config";
import { ADMIN_USER, configuredUsers, GroupCredentials, hashedPassword } from "./acl";
import type { RedisReplicationGroupArgs } from "./args";
import { BACKUP_USER_RULES } from "./backup";
import { createFeatureCredential, createGroupCredentials } from "./credentials";
import type { LiveConfigArgs, Login } from "./liveConfig/types";
import { METRICS_SENTINEL_RULES, METRICS_USER, METRICS_USER_RULES } from "./metrics";
import { liveTargets } from "./targets";
import { TlsClient, tlsClientOf, TlsPem } from "./tls";

/** The group's logins: its own users' passwords, every user's ACL line, and the tools' login. */
export interface GroupAccess {
    creds: pulumi.Output<GroupCredentials>;
    /** Configured users (and backup, metrics), by name: their ACL rules with hashed passwords; secret. */
    users: pulumi.Output<Record<string, string>>;
    admin: ToolAccess;
    backupPassword?: pulumi.Output<string>;
    metricsPassword?: pulumi.Output<string>;
    /** The sentinels' own users (metrics), by name; secret. */
    sentinelUsers?: pulumi.Output<Record<string, string>>;
}

/**
 * The group's own users' generated passwords, the configured users (passwords only ever hashed),
 * and how the check, the live configuration and the rollout connect: as admin, over TLS when the group has it.
 */
export function createGroupAccess(
    name: string,
    plan: GroupPlan,
    given: { users: RedisReplicationGroupArgs["users"]; tls: pulumi.Output<TlsPem> | undefined },
    opts: pulumi.CustomResourceOptions,
): GroupAccess {
    const creds = createGroupCredentials(name, opts);
    const hashes = (given.users ?? []).map((u) => pulumi.secret(pulumi.output(u.password)).apply(hashedPassword));
    // The backup and metrics users are managed as the configured users are: added to, and removed from, running nodes.
    const backupPassword = plan.backup && createFeatureCredential(name, "backup", opts);
    const metricsPassword = plan.metrics && createFeatureCredential(name, METRICS_USER, opts);
    const line = (password: string, rules: string) => `on ${hashedPassword(password)} ${rules}`;
    const users = pulumi.secret(
        pulumi.all([pulumi.all(hashes), backupPassword, metricsPassword]).apply(([h, bp, mp]): Record<string, string> => ({
            ...configuredUsers(plan.users, h),
            ...(bp === undefined ? {} : { backup: line(bp, BACKUP_USER_RULES) }),
            ...(mp === undefined ? {} : { [METRICS_USER]: line(mp, METRICS_USER_RULES) }),
        })),
    );
    const sentinelUsers =
        metricsPassword && plan.sentinel
            ? pulumi.secret(metricsPassword.apply((mp): Record<string, string> => ({ [METRICS_USER]: line(mp, METRICS_SENTINEL_RULES) })))
            : undefined;
    const admin = { username: ADMIN_USER, password: creds.admin, tls: tlsClientOf(plan, given.tls) };
    return { creds, users, admin, backupPassword, metricsPassword, sentinelUsers };
}

/** How the group's own tools (the check, the live configuration, the rollout) connect to every node and sentinel. */
export interface ToolAccess {
    username: string;
    password: pulumi.Output<string>;
    /** With TLS: the nodes' certificate, key and CA. */
    tls?: pulumi.Output<TlsClient>;
}

/** The login as one value, for the resources that take it so. */
export function loginOf(access: ToolAccess): pulumi.Output<Login> {
    return access.password.apply((password) => ({ username: access.username, password }));
}

/** The live configuration's targets; a node on a host whose provider the program gave is on that provider's engine. */
export function liveTargetsOn(
    plan: GroupPlan,
    hostProviders: Record<string, docker.Provider>,
): Omit<LiveConfigArgs, "settings" | "acl" | "admin"> {
    const targets = liveTargets(plan);
    const on = <T extends object>(target: T, node: NodePlan): pulumi.Input<T> => {
        const provider = node.host === undefined ? undefined : hostProviders[node.host];
        return provider ? provider.host.apply((docker) => (docker === undefined ? target : { ...target, docker })) : target;
    };
    const dataNodes = [plan.master, ...plan.replicas].map((node, i) => on(targets.dataNodes[i]!, node));
    const sentinel =
        targets.sentinel &&
        pulumi
            .all(plan.sentinel!.nodes.map((node, i) => on(targets.sentinel!.nodes[i]!, node)))
            .apply((nodes) => ({ masterName: targets.sentinel!.masterName, nodes }));
    return { dataNodes, sentinel, timeoutMs: targets.timeoutMs };
}
