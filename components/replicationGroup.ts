import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import {
    assertPassword,
    GroupConfigError,
    GroupPlan,
    HostPlan,
    hostProviderProblems,
    NodePlan,
    parseGroupConfig,
    splitSettings,
} from "../config";
import { aclSettings, ADMIN_USER, configuredUsers, GroupCredentials, hashedPassword } from "./acl";
import type { RedisReplicationGroupArgs } from "./args";
import { featureCredential, groupCredentials } from "./credentials";
import { createExporters, fileSdOf, METRICS_SENTINEL_RULES, METRICS_USER, METRICS_USER_RULES, metricsTargets, rulesOf } from "./metrics";
import type { MetricsTarget } from "./metrics";
import { BACKUP_USER_RULES, backupOutputOf, createBackupContainer, createFinalBackup, createRolloutBackup, dockerOfHost } from "./backup";
import type { BackupOutput } from "./backup";
import { nodeFingerprint } from "./boot";
import { checkedRestoreFile, restoreSeeder } from "./restore";
import type { RestoredKeys } from "./restore";
import { LiveConfig, PasswordCommit } from "./liveConfig";
import type { LiveConfigArgs, Login } from "./liveConfig/types";
import { Preflight } from "./preflight";
import { endpointOf } from "./addresses";
import { createInfra } from "./infra";
import { createNodes, GroupNodes, NodeContext } from "./nodes";
import {
    clientTlsOf,
    connectionOf,
    GroupConnection,
    hostUrlOf,
    ReplicationStatus,
    replicationStatusOf,
    SentinelClientRecipe,
    sentinelRecipe,
} from "./outputs";
import { ReplicationCheck } from "./replicationCheck";
import { splitArgs } from "./spec";
import { namesToCover, TlsClient, tlsClientOf, TlsPem, TlsPemChoice, tlsPemOf } from "./tls";
import { checkTargets, liveTargets, preflightTargets } from "./targets";

/** The component's type token: `<package>:index:<class>`, as the component provider serves it to every language. */
export const GROUP_TYPE = "redis-replication:index:RedisReplicationGroup";
/** Its token before the component was served to other languages: an alias, so stacks made then keep every resource. */
export const FORMER_GROUP_TYPE = "redis:index:ReplicationGroup";

/** The component's resource options; TypeScript programs may also hand it their own Docker providers. */
export interface RedisReplicationGroupOptions extends pulumi.ComponentResourceOptions {
    /** With hosts: a Docker provider the program made, by host name, instead of one from that host's dockerHost. */
    hostProviders?: Record<string, docker.Provider>;
}

/**
 * A Redis master and N replicas (and optional sentinels) on one Docker network, or spread over
 * several Docker hosts, with static IPs and published ports, replicating by configuration, and
 * verified during `pulumi up` by a replication check.
 */
export class RedisReplicationGroup extends pulumi.ComponentResource {
    /** host:port of the master on the Docker host. */
    public readonly masterEndpoint: pulumi.Output<string>;
    /** host:port of each replica on the Docker host. */
    public readonly replicaEndpoints: pulumi.Output<string[]>;
    /** Container name of the master. */
    public readonly masterContainerName: pulumi.Output<string>;
    /** Container names of the replicas. */
    public readonly replicaContainerNames: pulumi.Output<string[]>;
    /** The Docker network the nodes are on. */
    public readonly networkName: pulumi.Output<string>;
    /** The network's subnet, when known. */
    public readonly subnet: pulumi.Output<string | undefined>;
    /** redis://default:<password>@host:port of the master on the Docker host (secret): the form redis-cli and ioredis both log in with. */
    public readonly masterUrl: pulumi.Output<string>;
    /** redis:// URLs of the replicas on the Docker host, password included (secret). */
    public readonly replicaUrls: pulumi.Output<string[]>;
    /** The admin user's password (secret), generated once: what an operator logs in with for CONFIG, ACL or REPLICAOF, which the application user may not run. */
    public readonly adminPassword: pulumi.Output<string>;
    /** How a container on the group's network reaches each role: host, port, password and URL (secret), and the sentinels. */
    public readonly connection: pulumi.Output<GroupConnection>;
    /** The replication check's result. */
    public readonly replication: pulumi.Output<ReplicationStatus>;
    /** The image the nodes run. */
    public readonly imageName: pulumi.Output<string>;
    /** host:port of each sentinel on the Docker host; empty without sentinel. */
    public readonly sentinelEndpoints: pulumi.Output<string[]>;
    /** The name the sentinels monitor the master under; undefined without sentinel. */
    public readonly sentinelMasterName: pulumi.Output<string | undefined>;
    /** ioredis options for a Sentinel-aware client on the Docker host; undefined without sentinel. */
    public readonly sentinelClient: pulumi.Output<SentinelClientRecipe | undefined>;
    /** Where backups land and how often: dir, every, keep, and with hosts the host; undefined without backup. */
    public readonly backup: pulumi.Output<BackupOutput | undefined>;
    /** With metrics: every node's scrape target, the same as Prometheus file_sd JSON, and the group's alert rules (YAML); undefined without. */
    public readonly metrics: pulumi.Output<MetricsOutput | undefined>;

    constructor(name: string, args: RedisReplicationGroupArgs, opts?: RedisReplicationGroupOptions) {
        const { hostProviders = {}, ...componentOpts } = opts ?? {};
        super(GROUP_TYPE, name, {}, { ...componentOpts, aliases: [...(componentOpts.aliases ?? []), { type: FORMER_GROUP_TYPE }] });
        const { spec, late } = splitArgs(args);
        const plan = parseGroupConfig(spec, { name });
        const providerProblems = hostProviderProblems(plan.hosts, Object.keys(hostProviders));
        if (providerProblems.length > 0) throw new GroupConfigError(providerProblems);
        const password = this.checkedPassword(plan, args.password);
        const tls = tlsPemOf(plan, args.tls);
        // Read and judged on this machine now, before anything exists.
        const restoreFile = plan.restore && checkedRestoreFile(plan, plan.restore);
        this.warnAbout(plan);

        const existingNetwork = late.existingNetwork ?? plan.network.existing;
        // Every other resource waits for them: nothing exists before the inputs are known good.
        const preflight = this.preflights(name, plan, { existingNetwork, password, tls }, hostProviders);
        const after = { parent: this, dependsOn: preflight };
        const infra = createInfra({ name, plan, late, dockerContext: args.dockerContext, opts: after, hostProviders }, existingNetwork);
        this.imageName = infra.imageName;
        this.networkName = infra.networkName;
        this.subnet = pulumi.output(plan.network.subnet);

        const { creds, users, admin, backupPassword, metricsPassword, sentinelUsers } = groupAccess(
            name,
            plan,
            { users: args.users, tls: tls.pem },
            after,
        );
        const live = new LiveConfig(
            `${name}-live-config`,
            {
                ...liveTargetsOn(plan, hostProviders),
                settings: splitSettings(plan).live,
                password,
                acl: pulumi.all([creds, users, sentinelUsers]).apply(([c, u, su]) => aclSettings(plan, c, u, su)),
                admin: loginOf(admin),
                tls: admin.tls,
            },
            after,
        );
        const nodeCtx: NodeContext = {
            name,
            plan,
            parent: this,
            place: infra.place,
            password,
            creds,
            users,
            tls: tls.pem,
            admin,
            before: [live],
            preflight,
            engines: infra.engines,
            sentinelUsers,
        };
        const backup = plan.backup && {
            name,
            plan,
            backup: plan.backup,
            parent: this,
            place: infra.place(plan.backup.sources[0]!),
            docker: dockerOfHost(plan, plan.backup.sources[0]!.host, hostProviders),
            password: backupPassword!,
            tls: tls.pem,
            preflight,
        };
        // Before the first node of a rollout that replaces the master.
        const rolloutBackup = backup && createRolloutBackup(backup, nodeFingerprint(nodeCtx, plan.master, ""));
        const restore =
            restoreFile === undefined
                ? undefined
                : restoreSeeder({
                      name,
                      plan,
                      parent: this,
                      file: restoreFile,
                      image: infra.place(plan.master).image,
                      docker: dockerOfHost(plan, plan.master.host, hostProviders),
                  });
        const nodes = createNodes({ ...nodeCtx, before: rolloutBackup ? [live, rolloutBackup] : [live], seedMaster: restore?.seedMaster });
        const check = this.verify(name, plan, nodes, live, { password, admin }, restore?.restored());
        if (plan.metrics) {
            // Once every node runs: the first scrape finds them all.
            createExporters({
                name,
                plan,
                parent: this,
                place: infra.place,
                password: metricsPassword!,
                tls: tls.pem,
                after: [...nodes.rejoins, ...nodes.sentinels],
            });
        }
        if (backup) {
            // Once the master is back in the group; the final backup after everything that runs.
            const container = createBackupContainer(backup, nodes.rejoins);
            createFinalBackup(backup, [check, container, ...nodes.sentinels]);
        }

        const endpoint = (node: NodePlan) => endpointOf(plan, node);
        this.masterEndpoint = pulumi.output(endpoint(plan.master));
        this.replicaEndpoints = pulumi.output(plan.replicas.map(endpoint));
        this.masterContainerName = nodes.master.name;
        this.replicaContainerNames = pulumi.all(nodes.replicas.map((c) => c.name));
        this.masterUrl = hostUrlOf(plan, plan.master, password);
        this.replicaUrls = pulumi.all(plan.replicas.map((node) => hostUrlOf(plan, node, password)));
        const clientTls = clientTlsOf(plan, tls.pem?.ca);
        this.connection = connectionOf(plan, password, clientTls);
        this.adminPassword = creds.admin;
        this.replication = replicationStatusOf(check, plan);
        this.sentinelEndpoints = pulumi.output((plan.sentinel?.nodes ?? []).map(endpoint));
        this.sentinelMasterName = pulumi.output(plan.sentinel?.masterName);
        this.sentinelClient = clientTls.apply((t) => sentinelRecipe(plan, t));
        this.backup = pulumi.output(backupOutputOf(plan));
        this.metrics = pulumi.output(metricsOutputOf(plan));

        this.registerOutputs({
            masterEndpoint: this.masterEndpoint,
            replicaEndpoints: this.replicaEndpoints,
            masterContainerName: this.masterContainerName,
            replicaContainerNames: this.replicaContainerNames,
            networkName: this.networkName,
            subnet: this.subnet,
            masterUrl: this.masterUrl,
            replicaUrls: this.replicaUrls,
            connection: this.connection,
            adminPassword: this.adminPassword,
            replication: this.replication,
            imageName: this.imageName,
            sentinelEndpoints: this.sentinelEndpoints,
            sentinelMasterName: this.sentinelMasterName,
            sentinelClient: this.sentinelClient,
            backup: this.backup,
            metrics: this.metrics,
        });
    }

    /**
     * After the rollout: the old password retired (PasswordCommit), then the replication check of
     * every container, with the live configuration's generation.
     */
    private verify(
        name: string,
        plan: GroupPlan,
        nodes: GroupNodes,
        live: LiveConfig,
        logins: { password: pulumi.Output<string> | undefined; admin: ToolAccess },
        restored: pulumi.Output<RestoredKeys> | undefined,
    ): ReplicationCheck {
        const containers = [nodes.master, ...nodes.replicas, ...nodes.sentinels];
        const deployed = [...nodes.rejoins, ...nodes.sentinels, ...nodes.sentinelRejoins];
        const { password, admin } = logins;
        const commit =
            password &&
            new PasswordCommit(
                `${name}-password-commit`,
                {
                    ...liveTargets(plan),
                    password,
                    admin: loginOf(admin),
                    tls: admin.tls,
                    admittedAt: pulumi.all([live.generation, live.admittedPassword]).apply(([g, a]) => (a ? g : undefined)),
                },
                { parent: this, dependsOn: deployed },
            );
        return new ReplicationCheck(
            `${name}-check`,
            {
                ...checkTargets(plan),
                ...admin,
                containerIds: containers.map((c) => c.id),
                configGeneration: live.generation,
                // A new value on every run makes the check run on every `up`.
                verifyToken: plan.verify === "always" ? crypto.randomUUID() : undefined,
                restored,
            },
            { parent: this, dependsOn: commit ? [...deployed, commit] : deployed },
        );
    }

    /**
     * The preflight of each Docker engine (one, or each host's): its state, and what is known only
     * at deployment (the password; TLS PEMs given as outputs, checked once).
     */
    private preflights(
        name: string,
        plan: GroupPlan,
        late: { existingNetwork: pulumi.Input<string> | undefined; password: pulumi.Output<string> | undefined; tls: TlsPemChoice },
        hostProviders: Record<string, docker.Provider>,
    ): Preflight[] {
        const tls = late.tls.late ? late.tls.pem!.apply((pem) => ({ pem, names: namesToCover(plan) })) : undefined;
        const password = late.password;
        if (!plan.hosts) {
            return [
                new Preflight(`${name}-preflight`, { ...preflightTargets(plan, late.existingNetwork), password, tls }, { parent: this }),
            ];
        }
        return plan.hosts
            .filter((host) => !host.lost)
            .map((host: HostPlan, i) => {
                const targets = { ...preflightTargets(plan, undefined, host), docker: hostProviders[host.name]?.host ?? host.dockerHost };
                return new Preflight(
                    `${name}-${host.name}-preflight`,
                    { ...targets, password, tls: i === 0 ? tls : undefined },
                    { parent: this },
                );
            });
    }

    /** The password as a secret: checked now if it is known now, else by the preflight once its value is known. */
    private checkedPassword(plan: GroupPlan, input: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
        if (typeof input === "string" || input === undefined) assertPassword(input, plan.auth, "password");
        return plan.auth ? pulumi.secret(pulumi.output(input as pulumi.Input<string>)) : undefined;
    }

    private warnAbout(plan: GroupPlan): void {
        for (const warning of plan.warnings) pulumi.log.warn(`${plan.name}: ${warning}`, this);
        if (!plan.auth) {
            pulumi.log.warn(`${plan.name}: auth is off, so protected mode is off too: anyone who reaches a port can read and write`, this);
        }
    }
}

/**
 * The group's own users' generated passwords, the configured users (passwords only ever hashed),
 * and how the check, the live configuration and the rollout connect: as admin, over TLS when the group has it.
 */
function groupAccess(
    name: string,
    plan: GroupPlan,
    given: { users: RedisReplicationGroupArgs["users"]; tls: pulumi.Output<TlsPem> | undefined },
    opts: pulumi.CustomResourceOptions,
): {
    creds: pulumi.Output<GroupCredentials>;
    users: pulumi.Output<Record<string, string>>;
    admin: ToolAccess;
    backupPassword?: pulumi.Output<string>;
    metricsPassword?: pulumi.Output<string>;
    sentinelUsers?: pulumi.Output<Record<string, string>>;
} {
    const creds = groupCredentials(name, opts);
    const hashes = (given.users ?? []).map((u) => pulumi.secret(pulumi.output(u.password)).apply(hashedPassword));
    // The backup and metrics users are managed as the configured users are: added to, and removed from, running nodes.
    const backupPassword = plan.backup && featureCredential(name, "backup", opts);
    const metricsPassword = plan.metrics && featureCredential(name, METRICS_USER, opts);
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

/** The `metrics` output: where Prometheus scrapes each node, and what it alerts on. */
export interface MetricsOutput {
    /** One per data node and sentinel: the exporter (host:port), the URI it scrapes, and the labels group, node, host. */
    targets: MetricsTarget[];
    /** The targets as a Prometheus file_sd file (JSON): write it where a file_sd_configs entry reads it. */
    fileSd: string;
    /** The group's alert rules, a Prometheus rule file (YAML), every expression scoped to its group. */
    rules: string;
}

function metricsOutputOf(plan: GroupPlan): MetricsOutput | undefined {
    if (!plan.metrics) return undefined;
    const targets = metricsTargets(plan);
    return { targets, fileSd: fileSdOf(targets), rules: rulesOf(plan) };
}

/** How the group's own tools (the check, the live configuration, the rollout) connect to every node and sentinel. */
interface ToolAccess {
    username: string;
    password: pulumi.Output<string>;
    /** With TLS: the nodes' certificate, key and CA. */
    tls?: pulumi.Output<TlsClient>;
}

/** The login as one value, for the resources that take it so. */
function loginOf(access: ToolAccess): pulumi.Output<Login> {
    return access.password.apply((password) => ({ username: access.username, password }));
}

/** The live configuration's targets; a node on a host whose provider the program gave is on that provider's engine. */
function liveTargetsOn(
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
