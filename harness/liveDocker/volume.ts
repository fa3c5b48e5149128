// docker:index/volume:Volume. retainOnDelete is the backend's (backend.ts), as for every type.
import type Docker from "dockerode";
import { removeIfPresent, TEST_LABEL } from "../docker";
import { autoName, Inputs } from "./inputs";
import type { Handler } from "./types";

export const createVolume: Handler = async (ctx, { where, type, name, raw }) => {
    const inp = new Inputs(where, raw);
    const body = {
        Name: inp.str("name") ?? autoName(name),
        Driver: inp.str("driver") ?? "local",
        DriverOpts: inp.strMap("driverOpts") ?? {},
        Labels: { ...inp.labels("labels"), [TEST_LABEL]: ctx.testLabel },
    };
    if (inp.nested("cluster")) inp.fail("cluster", "is not supported by the live backend (cluster volumes need swarm)");
    inp.finish();
    const vol = (await (await ctx.docker.createVolume(body)).inspect()) as Docker.VolumeInspectInfo;
    const made = { type, name, id: vol.Name };
    ctx.record(made, () => removeIfPresent(ctx.docker.getVolume(vol.Name).remove()));
    return { id: vol.Name, state: { ...raw, name: vol.Name, driver: vol.Driver, mountpoint: vol.Mountpoint } };
};
