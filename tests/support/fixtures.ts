// Group settings several test files start from, each named by the topology it describes.
import type { RedisReplicationGroupArgs } from "../../components/args";
import type { GroupSpec } from "../../config";

/**
 * One master and two replicas on 10.89.0.0/24, host ports 6380-6382: the dev stack's topology.
 * In the shape both stack config and the component's arguments take.
 */
export const ONE_MASTER_TWO_REPLICAS: GroupSpec & RedisReplicationGroupArgs = {
    name: "redis-dev",
    network: { subnet: "10.89.0.0/24", gateway: "10.89.0.1" },
    master: { ip: "10.89.0.2", hostPort: 6380 },
    replicas: [
        { ip: "10.89.0.3", hostPort: 6381 },
        { ip: "10.89.0.4", hostPort: 6382 },
    ],
};
