// The create handler of each resource type the backend makes, by type token; dynamic resources go by their prefix.
import { DYNAMIC_PREFIX } from "../docker";
import { createCommand } from "./command";
import { createContainer } from "./container";
import { createDynamic } from "./dynamic";
import { createImage } from "./image";
import { createNetwork } from "./network";
import { DOCKER_PROVIDER } from "./dockerEngines";
import { createDockerProvider } from "./provider";
import { createRandomPassword, RANDOM_PASSWORD } from "./random";
import type { Handler } from "./types";
import { createVolume } from "./volume";

const HANDLERS: Record<string, Handler> = {
    "docker:index/image:Image": createImage,
    "docker:index/network:Network": createNetwork,
    "docker:index/volume:Volume": createVolume,
    "docker:index/container:Container": createContainer,
    "command:local:Command": createCommand,
    [RANDOM_PASSWORD]: createRandomPassword,
    [DOCKER_PROVIDER]: createDockerProvider,
};

/** The handler that creates `type`, or undefined when the backend does not support it. */
export function handlerFor(type: string): Handler | undefined {
    return HANDLERS[type] ?? (type.startsWith(DYNAMIC_PREFIX) ? createDynamic : undefined);
}
