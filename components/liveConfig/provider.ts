// The live configuration's dynamic providers. LiveConfig, before the rollout, applies changed
// live settings to the running data nodes and admits a new password; PasswordCommit, after it,
// retires the old password; NodeBoot keeps what a node's container is created with, so that a
// live change never replaces a container.
//
// Serialization: as for the replication check (see the rules at the top of
// ../replicationCheck/provider.ts), these providers are serialized into state with every function
// they reach: modules are required inside functions, and no module-level const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { differs, newId } from "../replicationCheck/providerParts";
import { closeAll, connectAll, LiveClient, replicasFirst } from "./connection";
import { admitPassword, retireOtherPasswords } from "./password";
import { applySettings, changedSettings } from "./settings";
import type { LiveConfigInputs, LiveConfigOutputs, LiveTarget, NodeBootInputs, NodeBootOutputs, PasswordCommitInputs } from "./types";

/** The targets of `news` that `olds` had too: what was running before this `up`. */
function stillDeclared<T extends LiveTarget>(olds: T[] | undefined, news: T[] | undefined): T[] {
    return (news ?? []).filter((n) => (olds ?? []).some((o) => o.name === n.name));
}

/** Connects to the data nodes and sentinels with the passwords, runs `work`, and closes them. */
async function withGroup(
    data: LiveTarget[],
    sentinels: LiveTarget[],
    passwords: (string | undefined)[],
    timeoutMs: number,
    work: (data: LiveClient[], sentinels: LiveClient[]) => Promise<void>,
): Promise<void> {
    const clients = await connectAll([...data, ...sentinels], passwords, Math.min(timeoutMs, 5000));
    try {
        await work(clients.slice(0, data.length), clients.slice(data.length));
    } finally {
        closeAll(clients);
    }
}

export const liveConfigProvider: pulumi.dynamic.ResourceProvider<LiveConfigInputs, LiveConfigOutputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["dataNodes", "sentinel", "settings", "password"]), replaces: [] };
    },
    async create(inputs) {
        // A first deploy: the containers are created with these settings.
        return { id: newId("liveconfig"), outs: { ...inputs, generation: 1, changed: [], admittedPassword: false } };
    },
    async update(_id, olds, news) {
        const changes = changedSettings(olds.settings, news.settings);
        const rotate = olds.password !== undefined && news.password !== undefined && olds.password !== news.password;
        const changed = Object.entries(changes).map(([d, v]) => `${d} ${v}`);
        if (changed.length === 0 && !rotate)
            return { outs: { ...news, generation: olds.generation, changed: olds.changed, admittedPassword: false } };
        const sameSentinels = olds.sentinel && news.sentinel ? stillDeclared(olds.sentinel.nodes, news.sentinel.nodes) : [];
        await withGroup(
            stillDeclared(olds.dataNodes, news.dataNodes),
            sameSentinels,
            [olds.password, news.password],
            news.timeoutMs,
            async (data, sentinels) => {
                const ordered = await replicasFirst(data);
                await applySettings(ordered, changes);
                if (rotate)
                    await admitPassword(ordered, sentinels, news.sentinel?.masterName, {
                        next: news.password!,
                        prev: olds.password,
                        waitMs: news.timeoutMs,
                    });
            },
        );
        return { outs: { ...news, generation: olds.generation + 1, changed, admittedPassword: rotate } };
    },
};

export const passwordCommitProvider: pulumi.dynamic.ResourceProvider<PasswordCommitInputs, PasswordCommitInputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["dataNodes", "sentinel", "password"]), replaces: [] };
    },
    async create(inputs) {
        return { id: newId("passwordcommit"), outs: inputs };
    },
    async update(_id, olds, news) {
        if (olds.password !== news.password) {
            const sentinels = news.sentinel?.nodes ?? [];
            await withGroup(news.dataNodes, sentinels, [news.password, olds.password], news.timeoutMs, async (data, s) =>
                retireOtherPasswords(data, s, news.password, olds.password),
            );
        }
        return { outs: news };
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
