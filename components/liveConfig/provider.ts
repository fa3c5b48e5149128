// The live configuration's dynamic providers. LiveConfig, before the rollout, applies changed live
// settings to the running data nodes and admits a new password; PasswordCommit, after it, retires
// the old password; NodeBoot keeps what a node's container is created with, so that a live change
// never replaces a container.
//
// Serialization (see docs/development.md#serialized-providers): these providers are serialized into
// state with every function they reach: modules are required inside functions, and no module-level
// const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { errorMessage } from "../redisOps/messages";
import { differs, newId } from "../redisOps/providerParts";
import type { TlsClient, TlsPem } from "../tls";
import { reloadNodeCertificates, restartSentinels } from "./certificates";
import { applyDefaultRules, ensureGroupUsers } from "./acl";
import { closeAll, connectAll, LiveClient, replicasFirst } from "./connection";
import { admitPassword, retireOtherPasswords } from "./password";
import { applySettings, changedSettings } from "./settings";
import type {
    AclSettings,
    LiveConfigInputs,
    LiveConfigOutputs,
    LiveTarget,
    Login,
    NodeBootInputs,
    NodeBootOutputs,
    PasswordCommitInputs,
    PasswordCommitOutputs,
} from "./types";

/**
 * The targets `news` still declares, as `olds` had them: what was running before this `up`, where it
 * runs now. The live configuration runs before the rollout, so a node whose address changes in
 * this `up` is still at its old one.
 */
function stillDeclared<T extends LiveTarget>(olds: T[] | undefined, news: T[] | undefined): T[] {
    return (olds ?? []).filter((o) => (news ?? []).some((n) => n.name === o.name));
}

/**
 * The logins to try: the admin user, then the default user with each password, which is how a
 * node from before the group had an admin user takes a login.
 */
function loginsOf(admin: Login, passwords: (string | undefined)[]): Login[] {
    return [admin, ...passwords.map((password) => ({ password }))];
}

/** Whether the TLS files differ (the name to check them against is the client's, not the nodes'). */
function certificateDiffers(olds: TlsPem, news: TlsPem): boolean {
    return olds.ca !== news.ca || olds.cert !== news.cert || olds.key !== news.key;
}

/** Whether anything but the application user's rules differs: the group's own users and logins. */
function groupUsersDiffer(olds: AclSettings | undefined, news: AclSettings): boolean {
    const users = (acl: AclSettings | undefined) => JSON.stringify(acl && { ...acl, defaultRules: undefined });
    return users(olds) !== users(news);
}

/** The users `olds` had that `news` no longer has: configured users taken out of the group's config. */
function removedUsers(olds: Record<string, string> | undefined, news: Record<string, string> | undefined): string[] {
    return Object.keys(olds ?? {}).filter((name) => !(name in (news ?? {})));
}

/** Connects to the data nodes and sentinels with the first login each takes, runs `work`, and closes them. */
async function withGroup(
    data: LiveTarget[],
    sentinels: LiveTarget[],
    connect: { logins: Login[]; tls?: TlsClient; timeoutMs: number },
    work: (data: LiveClient[], sentinels: LiveClient[]) => Promise<void>,
): Promise<void> {
    const clients = await connectAll([...data, ...sentinels], connect.logins, Math.min(connect.timeoutMs, 5000), connect.tls ?? undefined);
    try {
        await work(clients.slice(0, data.length), clients.slice(data.length));
    } finally {
        closeAll(clients);
    }
}

export const liveConfigProvider: pulumi.dynamic.ResourceProvider<LiveConfigInputs, LiveConfigOutputs> = {
    async diff(_id, olds, news) {
        const keys = ["dataNodes", "sentinel", "settings", "password", "acl", "tls"];
        return { changes: differs(olds as never, news as never, keys), replaces: [] };
    },
    async create(inputs) {
        // A first deploy: the containers are created with these settings.
        return { id: newId("liveconfig"), outs: { ...inputs, generation: 1, changed: [], admittedPassword: false } };
    },
    async update(_id, olds, news) {
        const changes = changedSettings(olds.settings, news.settings);
        const rotate = olds.password !== undefined && news.password !== undefined && olds.password !== news.password;
        const acl = JSON.stringify(olds.acl) !== JSON.stringify(news.acl) ? news.acl : undefined;
        const newCert = news.tls && olds.tls && certificateDiffers(olds.tls, news.tls) ? news.tls : undefined;
        const changed = Object.entries(changes).map(([d, v]) => `${d} ${v}`);
        if (acl) changed.push(`acl users ${Object.keys(acl.users).join(" ")}; default ${acl.defaultRules}`);
        if (newCert) changed.push("tls certificate");
        const data = stillDeclared(olds.dataNodes, news.dataNodes);
        const sentinels = olds.sentinel && news.sentinel ? stillDeclared(olds.sentinel.nodes, news.sentinel.nodes) : [];
        // Replaced one at a time, a node with TLS could not follow one without, or the other way round.
        if (!olds.tls !== !news.tls && data.length > 0) {
            throw new Error(
                `tls: turning TLS ${news.tls ? "on" : "off"} for a running group is not supported: its nodes are replaced one at a time, ` +
                    "and a node with TLS can't follow one without. Nothing was changed; deploy the group anew with it.",
            );
        }
        if (changed.length === 0 && !rotate)
            return { outs: { ...news, generation: olds.generation, changed: olds.changed, admittedPassword: false } };
        const passwords = [olds.password, news.password];
        // The running nodes are as the last `up` left them: the old admin login too (a replaced
        // generated password is taken only now), and TLS as it was.
        const connect = {
            logins: [news.admin, ...loginsOf(olds.admin ?? news.admin, passwords)],
            tls: olds.tls,
            timeoutMs: news.timeoutMs,
        };
        const masterName = news.sentinel?.masterName;
        // First the group's own users, so that from then on every node takes the admin login.
        if (acl && groupUsersDiffer(olds.acl, acl))
            await withGroup(data, sentinels, connect, (d, s) =>
                ensureGroupUsers(d, s, masterName, acl, {
                    passwords,
                    waitMs: news.timeoutMs,
                    removed: removedUsers(olds.acl?.users, acl.users),
                    removedFromSentinels: removedUsers(olds.acl?.sentinelUsers, acl.sentinelUsers),
                }),
            );
        await withGroup(data, sentinels, connect, async (d, s) => {
            const ordered = await replicasFirst(d);
            await applySettings(ordered, changes);
            if (rotate) await admitPassword(ordered, s, masterName, { next: news.password!, prev: olds.password, waitMs: news.timeoutMs });
            if (acl) await applyDefaultRules(ordered, acl, passwords);
            if (newCert) await reloadNodeCertificates(ordered, newCert, passwords);
        });
        // A sentinel can't reload its certificate: restarted one at a time, each with its quorum back before the next.
        if (newCert && masterName)
            await restartSentinels(sentinels, masterName, { logins: connect.logins, tls: newCert, waitMs: news.timeoutMs });
        return { outs: { ...news, generation: olds.generation + 1, changed, admittedPassword: rotate } };
    },
};

/**
 * The error of a failed commit, carrying the state the engine is to keep (a partial failure, as
 * a dynamic provider reports one: an error with `id`, `properties` and `reasons`). The engine
 * keeps an update's outputs on a partial failure (pulumi/pulumi@0ac56e87 pkg/resource/deploy/step.go:1094
 * @1b594989) and updates a resource with initialization errors on the next `up` even without a
 * diff (pkg/resource/deploy/step_generator.go:2182 @1b594989). A plain error would leave the old
 * state, whose password then matches an `up` that goes back to it: the commit would not run, and
 * the password admitted for the abandoned rotation would stay taken.
 */
function commitFailed(id: string, news: PasswordCommitInputs, err: unknown): Error {
    const message = `${errorMessage(err)}. Other passwords may still be taken; the next \`up\` retires every one but its own.`;
    const properties: PasswordCommitOutputs = { ...news, othersRetired: false };
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

export const passwordCommitProvider: pulumi.dynamic.ResourceProvider<PasswordCommitInputs, PasswordCommitOutputs> = {
    async diff(_id, olds, news) {
        // After a failed commit, even an `up` back to the password it started from retires the others.
        const changes =
            olds.othersRetired === false || differs(olds as never, news as never, ["dataNodes", "sentinel", "password", "admittedAt"]);
        return { changes, replaces: [] };
    },
    async create(inputs) {
        return { id: newId("passwordcommit"), outs: { ...inputs, othersRetired: true } };
    },
    async update(id, olds, news) {
        const admitted = news.admittedAt !== undefined && news.admittedAt !== olds.admittedAt;
        if (olds.password !== news.password || olds.othersRetired === false || admitted) {
            const sentinels = news.sentinel?.nodes ?? [];
            const connect = { logins: loginsOf(news.admin, [news.password, olds.password]), tls: news.tls, timeoutMs: news.timeoutMs };
            try {
                await withGroup(news.dataNodes, sentinels, connect, async (data, s) =>
                    retireOtherPasswords(data, s, news.password, olds.password),
                );
            } catch (err) {
                throw commitFailed(id, news, err);
            }
        }
        return { outs: { ...news, othersRetired: true } };
    },
};

/** True when `boot` has a live setting that `current` no longer has: only a new container drops it. */
function dropsSetting(boot: Record<string, string>, current: Record<string, string>): boolean {
    return Object.keys(boot).some((d) => !(d in current));
}

export const nodeBootProvider: pulumi.dynamic.ResourceProvider<NodeBootInputs, NodeBootOutputs> = {
    async diff(_id, olds, news) {
        // Anything else changes on the running node; the container keeps what it was created with.
        const changes = olds.fingerprint !== news.fingerprint || dropsSetting(olds.boot.live, news.current.live);
        return { changes, replaces: [] };
    },
    async create(inputs) {
        return { id: newId("nodeboot"), outs: { ...inputs, boot: inputs.current } };
    },
    async update(_id, _olds, news) {
        return { outs: { ...news, boot: news.current } };
    },
};
