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
import { createGroupAccess, GroupAccess, liveTargetsOn, loginOf, ToolAccess } from "./access";
import { aclSettings } from "./acl";
import type { RedisReplicationGroupArgs } from "./args";
import { backupOutputOf, createBackupContainer, createFinalBackup, createRolloutBackup, dockerOfHost } from "./backup";
import type { BackupOutput } from "./backup";
import { nodeFingerprint } from "./boot";
import { createExporters, metricsOutputOf } from "./metrics";
import type { MetricsOutput } from "./metrics";
import { checkedRestoreFile, restoreSeeder } from "./restore";
import type { RestoredKeys } from "./restore";
import { LiveConfig, PasswordCommit } from "./liveConfig";
import { Preflight } from "./preflight";
import { endpointOf } from "./addresses";
import { createInfra } from "./infra";
import { createNodes } from "./nodes";
import type { GroupNodes, NodeContext } from "./nodeContext";
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
import { namesToCover, TlsPem, TlsPemChoice, tlsPemOf } from "./tls";
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
        const preflight = this.createPreflights(name, plan, { existingNetwork, password, tls }, hostProviders);
        const after = { parent: this, dependsOn: preflight };
        const infra = createInfra({ name, plan, late, dockerContext: args.dockerContext, opts: after, hostProviders }, existingNetwork);
        const access = createGroupAccess(name, plan, { users: args.users, tls: tls.pem }, after);
        const live = createLiveConfig(name, plan, { access, password, hostProviders }, after);
        const nodeCtx: NodeContext = {
            name,
            plan,
            parent: this,
            place: infra.place,
            password,
            creds: access.creds,
            users: access.users,
            tls: tls.pem,
            admin: access.admin,
            before: [live],
            preflight,
            engines: infra.engines,
            sentinelUsers: access.sentinelUsers,
        };
        const { nodes, check } = this.createServing(nodeCtx, { live, access, restoreFile, hostProviders });

        const out = groupOutputs(plan, { nodes, check, password, tls: tls.pem, admin: access.creds.admin, infra });
        this.masterEndpoint = out.masterEndpoint;
        this.replicaEndpoints = out.replicaEndpoints;
        this.masterContainerName = out.masterContainerName;
        this.replicaContainerNames = out.replicaContainerNames;
        this.networkName = out.networkName;
        this.subnet = out.subnet;
        this.masterUrl = out.masterUrl;
        this.replicaUrls = out.replicaUrls;
        this.connection = out.connection;
        this.adminPassword = out.adminPassword;
        this.replication = out.replication;
        this.imageName = out.imageName;
        this.sentinelEndpoints = out.sentinelEndpoints;
        this.sentinelMasterName = out.sentinelMasterName;
        this.sentinelClient = out.sentinelClient;
        this.backup = out.backup;
        this.metrics = out.metrics;
        this.registerOutputs(out);
    }

    /**
     * What serves and watches the group: the backup before a rollout that replaces the master, the
     * restore's seed, the nodes, the check, the exporters, and the backup container and final backup.
     */
    private createServing(
        ctx: NodeContext,
        given: { live: LiveConfig; access: GroupAccess; restoreFile: string | undefined; hostProviders: Record<string, docker.Provider> },
    ): { nodes: GroupNodes; check: ReplicationCheck } {
        const { name, plan, preflight } = ctx;
        const { live, access, restoreFile, hostProviders } = given;
        const backup = plan.backup && {
            name,
            plan,
            backup: plan.backup,
            parent: this,
            place: ctx.place(plan.backup.sources[0]!),
            docker: dockerOfHost(plan, plan.backup.sources[0]!.host, hostProviders),
            password: access.backupPassword!,
            tls: ctx.tls,
            preflight,
        };
        // Before the first node of a rollout that replaces the master.
        const rolloutBackup = backup && createRolloutBackup(backup, nodeFingerprint(ctx, plan.master, ""));
        const restore =
            restoreFile === undefined
                ? undefined
                : restoreSeeder({
                      name,
                      plan,
                      parent: this,
                      file: restoreFile,
                      image: ctx.place(plan.master).image,
                      docker: dockerOfHost(plan, plan.master.host, hostProviders),
                  });
        const nodes = createNodes({ ...ctx, before: rolloutBackup ? [live, rolloutBackup] : [live], seedMaster: restore?.seedMaster });
        const check = this.createCheck(name, plan, nodes, live, { password: ctx.password, admin: access.admin }, restore?.restored());
        if (plan.metrics) {
            // Once every node runs: the first scrape finds them all.
            createExporters({
                name,
                plan,
                parent: this,
                place: ctx.place,
                password: access.metricsPassword!,
                tls: ctx.tls,
                after: [...nodes.rejoins, ...nodes.sentinels],
            });
        }
        if (backup) {
            // Once the master is back in the group; the final backup after everything that runs.
            const container = createBackupContainer(backup, nodes.rejoins);
            createFinalBackup(backup, [check, container, ...nodes.sentinels]);
        }
        return { nodes, check };
    }

    /**
     * After the rollout: the old password retired (PasswordCommit), then the replication check of
     * every container, with the live configuration's generation.
     */
    private createCheck(
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
    private createPreflights(
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

/** The live configuration: run before the rollout, on every node where it runs now. */
function createLiveConfig(
    name: string,
    plan: GroupPlan,
    given: { access: GroupAccess; password: pulumi.Output<string> | undefined; hostProviders: Record<string, docker.Provider> },
    opts: pulumi.CustomResourceOptions,
): LiveConfig {
    const { access, password } = given;
    return new LiveConfig(
        `${name}-live-config`,
        {
            ...liveTargetsOn(plan, given.hostProviders),
            settings: splitSettings(plan).live,
            password,
            acl: pulumi.all([access.creds, access.users, access.sentinelUsers]).apply(([c, u, su]) => aclSettings(plan, c, u, su)),
            admin: loginOf(access.admin),
            tls: access.admin.tls,
        },
        opts,
    );
}

/** Every output of the component, as it registers them. */
function groupOutputs(
    plan: GroupPlan,
    made: {
        nodes: GroupNodes;
        check: ReplicationCheck;
        password: pulumi.Output<string> | undefined;
        tls: pulumi.Output<TlsPem> | undefined;
        admin: pulumi.Output<string>;
        infra: { imageName: pulumi.Output<string>; networkName: pulumi.Output<string> };
    },
) {
    const { nodes, password } = made;
    const endpoint = (node: NodePlan) => endpointOf(plan, node);
    const clientTls = clientTlsOf(plan, made.tls?.ca);
    return {
        masterEndpoint: pulumi.output(endpoint(plan.master)),
        replicaEndpoints: pulumi.output(plan.replicas.map(endpoint)),
        masterContainerName: nodes.master.name,
        replicaContainerNames: pulumi.all(nodes.replicas.map((c) => c.name)),
        networkName: made.infra.networkName,
        subnet: pulumi.output(plan.network.subnet),
        masterUrl: hostUrlOf(plan, plan.master, password),
        replicaUrls: pulumi.all(plan.replicas.map((node) => hostUrlOf(plan, node, password))),
        connection: connectionOf(plan, password, clientTls),
        adminPassword: made.admin,
        replication: replicationStatusOf(made.check, plan),
        imageName: made.infra.imageName,
        sentinelEndpoints: pulumi.output((plan.sentinel?.nodes ?? []).map(endpoint)),
        sentinelMasterName: pulumi.output(plan.sentinel?.masterName),
        sentinelClient: clientTls.apply((t) => sentinelRecipe(plan, t)),
        backup: pulumi.output(backupOutputOf(plan)),
        metrics: pulumi.output(metricsOutputOf(plan)),
    };
}
