#!/usr/bin/env python3
"""Run Milvus standalone (PyPI `milvus` 2.3.x) on one given port, for the -Pmilvus-standalone tests.

Every other port Milvus needs (etcd, coordinators, nodes, metrics) is a free one picked here, so
the server never binds a well-known port another stack may hold. The unpacked binaries are kept in
--bin-cache and shared between data folders. SIGTERM or SIGINT stops Milvus (SIGTERM, then a kill
after 1 s); so does the death of the parent process, so a killed test JVM leaves no server behind.
"""
import argparse
import os
import signal
import socket
import sys
import time

from milvus import MilvusServer, MilvusServerConfig


class ReusingConfig(MilvusServerConfig):
    """The wrapper's config, probing ports with SO_REUSEADDR as Milvus binds them, with the embedded etcd on free ports."""

    def __init__(self, etcd_config, **kwargs):
        super().__init__(**kwargs)
        # why: without a config file the embedded etcd binds 2379 and 2380 whatever etcd_port says, so two servers
        # on one machine (or one beside a compose stack's etcd) collide
        self.template_text = self.template_text.replace(
            "  use:\n    embed: true", f"  config:\n    path: {etcd_config}\n  use:\n    embed: true", 1)

    def try_bind_port(self, port):
        # why: without SO_REUSEADDR the probe fails on a port just freed by a stopped server (TIME_WAIT), so a
        # restart on the same port would be refused although Milvus itself could bind it
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
            return sock
        except OSError:
            sock.close()
            return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="data folder (created); holds configs, logs and storage")
    parser.add_argument("--port", type=int, required=True, help="gRPC port of the Milvus proxy")
    parser.add_argument("--bin-cache", required=True, help="folder for the unpacked Milvus binaries, shared between runs")
    args = parser.parse_args()

    data = os.path.abspath(args.data)
    os.makedirs(data, exist_ok=True)
    os.makedirs(args.bin_cache, exist_ok=True)
    if not os.path.exists(os.path.join(data, "bin")):
        # why: the wrapper unpacks ~300 MB of binaries into <data>/bin; one shared copy saves that per data folder
        os.symlink(os.path.abspath(args.bin_cache), os.path.join(data, "bin"))

    etcd_config = os.path.join(data, "embed-etcd.yaml")
    config = ReusingConfig(etcd_config, data_dir=data)
    for key in list(config.configurable_items):
        if key.endswith("_port"):
            config.configs[key] = args.port if key == "proxy_port" else free_port()
    client, peer = config.configs["etcd_port"], free_port()
    with open(etcd_config, "w", encoding="utf-8") as out:
        out.write(f"name: default\n"
                  f"listen-client-urls: http://127.0.0.1:{client}\n"
                  f"advertise-client-urls: http://127.0.0.1:{client}\n"
                  f"listen-peer-urls: http://127.0.0.1:{peer}\n"
                  f"initial-advertise-peer-urls: http://127.0.0.1:{peer}\n"
                  f"initial-cluster: default=http://127.0.0.1:{peer}\n")
    server = MilvusServer(config, wait_for_started=False)
    server.webservice_port = free_port()

    stopping = []

    def stop(*_):
        if not stopping:
            stopping.append(True)
            server.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    server.start()
    print(f"milvus standalone pid={server.server_proc.pid} port={args.port} data={data}", flush=True)
    while server.server_proc is not None and server.server_proc.poll() is None:
        if os.getppid() != parent:
            stop()
        time.sleep(0.5)
    code = server.server_proc.returncode if server.server_proc is not None else 0
    print(f"milvus standalone exited code={code}", flush=True)
    sys.exit(1 if code else 0)


if __name__ == "__main__":
    main()
