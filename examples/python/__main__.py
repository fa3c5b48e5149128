"""A replication group from Python, and an app container that reaches it through `connection`."""
import pulumi
import pulumi_docker as docker
import pulumi_redis_replication as redis_replication

config = pulumi.Config()

group = redis_replication.RedisReplicationGroup(
    "cache",
    name="redis-py",
    network=redis_replication.GroupNetworkArgs(subnet="10.88.2.0/24"),
    master=redis_replication.NodeAddressSpecArgs(host_port=6680),
    replica_count=2,
    password=config.require_secret("password"),
    maxmemory="256mb",
    maxmemory_policy="allkeys-lru",
    redis_config={"notify-keyspace-events": "Ex"},
)

# An app on the group's network: it gets host, port and password from the connection output.
master = group.connection.master
app = docker.Container(
    "app",
    name="redis-py-app",
    image=group.image_name,
    networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=group.network_name)],
    command=pulumi.Output.all(master.host, master.port).apply(
        lambda hp: ["redis-cli", "-h", hp[0], "-p", str(hp[1]), "-r", "-1", "-i", "1", "INCR", "app:visits"]
    ),
    envs=[pulumi.Output.concat("REDISCLI_AUTH=", master.password)],
    opts=pulumi.ResourceOptions(depends_on=[group]),
)

pulumi.export("master_endpoint", group.master_endpoint)
pulumi.export("master_url", group.master_url)
pulumi.export("connection", group.connection)
pulumi.export("verified", group.replication.verified)
