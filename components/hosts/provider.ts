// The per-host dynamic providers. HostPresence stands for a host being in the group: every Docker
// resource on the host is `deletedWith` it, so when the host leaves (lost, dropped, or the group
// destroyed) the engine calls none of their deletes. HostTeardown, which they all depend on, then
// clears the host in its own delete, unless the host is lost, when it calls nothing.
//
// Serialization (see docs/development.md#serialized-providers): modules are required inside
// functions, and no module-level const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { differs, newId } from "../redisOps/providerParts";
import { tearDownHost } from "./teardown";
import type { HostTeardownInputs } from "./types";

export const hostTeardownProvider: pulumi.dynamic.ResourceProvider<HostTeardownInputs, HostTeardownInputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["group", "host", "docker", "retainVolumes", "lost", "graceSeconds"]) };
    },
    async create(inputs) {
        return { id: newId("hostteardown"), outs: inputs };
    },
    async update(_id, _olds, news) {
        // Only recorded: the delete reads it (a lost host's engine is never called).
        return { outs: news };
    },
    async delete(_id, props) {
        if (props.lost) return;
        try {
            await tearDownHost(props);
        } catch (err) {
            const cause = (err as Error).message;
            if (props.host === "") throw new Error(`clearing the group ${props.group} off its Docker engine failed: ${cause}`);
            throw new Error(
                `host "${props.host}": clearing the group ${props.group} off its engine failed: ${cause}. ` +
                    `If the host is gone for good, set hosts.${props.host}.lost: true and run up, then drop it from hosts.`,
            );
        }
    },
};

export const hostPresenceProvider: pulumi.dynamic.ResourceProvider<{ host: string }, { host: string }> = {
    async diff(_id, olds, news) {
        return { changes: olds.host !== news.host };
    },
    async create(inputs) {
        return { id: newId("hostpresence"), outs: inputs };
    },
};
