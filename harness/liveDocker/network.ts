// docker:index/network:Network, and the docker:index/getNetwork:getNetwork invoke: both report
// a network's IPAM the same way.
import type Docker from "dockerode";
import { removeIfPresent, TEST_LABEL } from "../docker";
import { autoName, Inputs } from "./inputs";
import type { BackendContext, Handler } from "./types";

/** A network's IPAM configs as pulumi-docker reports them. */
function ipamConfigsOf(info: Docker.NetworkInspectInfo): Record<string, unknown>[] {
    return (info.IPAM?.Config ?? []).map((c) => ({
        subnet: c.Subnet,
        gateway: c.Gateway,
        ipRange: c.IPRange,
        auxAddress: c.AuxiliaryAddresses,
    }));
}

export const createNetwork: Handler = async (ctx, { where, type, name, raw }) => {
    const inp = new Inputs(where, raw);
    const netName = inp.str("name") ?? autoName(name);
    const ipam = inp.objs("ipamConfigs").map((c) => {
        const cfg = {
            Subnet: c.str("subnet"),
            Gateway: c.str("gateway"),
            IPRange: c.str("ipRange"),
            AuxiliaryAddresses: c.strMap("auxAddress"),
        };
        c.finish();
        return cfg;
    });
    const body = {
        Name: netName,
        CheckDuplicate: true,
        Driver: inp.str("driver") ?? "bridge",
        Internal: inp.bool("internal") ?? false,
        Attachable: inp.bool("attachable") ?? false,
        EnableIPv6: inp.bool("ipv6") ?? false,
        IPAM: { Driver: inp.str("ipamDriver") ?? "default", Config: ipam, Options: inp.strMap("ipamOptions") },
        Options: inp.strMap("options"),
        Labels: { ...inp.labels("labels"), [TEST_LABEL]: ctx.testLabel },
    };
    inp.notTrue("ingress", "swarm ingress networks need swarm mode");
    inp.finish();
    const net = await ctx.docker.createNetwork(body);
    ctx.record({ type, name, id: net.id }, () => removeIfPresent(ctx.docker.getNetwork(net.id).remove()));
    const info = (await net.inspect()) as Docker.NetworkInspectInfo;
    return {
        id: net.id,
        state: {
            ...raw,
            name: info.Name,
            driver: info.Driver,
            scope: info.Scope,
            internal: info.Internal,
            ipamDriver: info.IPAM?.Driver,
            ipamConfigs: ipamConfigsOf(info),
            options: info.Options,
        },
    };
};

/** The getNetwork invoke's result for the network `name`. */
export async function getNetwork(ctx: BackendContext, name: string): Promise<Record<string, unknown>> {
    const info = (await ctx.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
    return {
        id: info.Id,
        name: info.Name,
        driver: info.Driver,
        internal: info.Internal,
        scope: info.Scope,
        options: info.Options ?? {},
        ipamConfigs: ipamConfigsOf(info),
        containers: [],
    };
}
