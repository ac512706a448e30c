"""Reference outputs for Converge's network analysis, from networkx.

Run with networkx==3.6.1, scipy==1.17.1, numpy==2.4.6 (Python 3.11):

    python -m venv target/nx-venv
    target/nx-venv/bin/pip install networkx==3.6.1 scipy==1.17.1 numpy==2.4.6
    target/nx-venv/bin/python tests/data/network/make_reference.py

For each graph it writes, next to this script:
  <name>.csv           the edge list (source,target,weight), one row per edge as loaded
  <name>.pagerank.csv  networkx.pagerank(G, alpha=0.85, weight="weight") with its defaults
  <name>.louvain.csv   seed, modularity of networkx.community.louvain_communities(G, seed=seed),
                       number of communities (seeds 0..4)
Undirected graphs are read by Converge with --undirected; the directed one as is.
"""

import csv
import random
import sys
from pathlib import Path

import networkx as nx

HERE = Path(__file__).parent
SEEDS = range(5)


def write(name, rows, graph):
    with open(HERE / f"{name}.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["source", "target", "weight"])
        for source, target, weight in rows:
            out.writerow([source, target, repr(float(weight))])
    pagerank = nx.pagerank(graph, alpha=0.85, weight="weight")
    with open(HERE / f"{name}.pagerank.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["node", "pagerank"])
        for node, score in sorted(pagerank.items(), key=lambda kv: str(kv[0])):
            out.writerow([node, repr(score)])
    with open(HERE / f"{name}.louvain.csv", "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["seed", "modularity", "communities"])
        for seed in SEEDS:
            communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
            modularity = nx.community.modularity(graph, communities, weight="weight")
            out.writerow([seed, repr(modularity), len(communities)])
    print(name, graph.number_of_nodes(), graph.number_of_edges(), "directed" if graph.is_directed() else "undirected")


def undirected(name, graph):
    rows = [(u, v, d.get("weight", 1.0)) for u, v, d in graph.edges(data=True)]
    clean = nx.Graph()
    clean.add_nodes_from(graph.nodes())
    for u, v, w in rows:
        clean.add_edge(u, v, weight=float(w))
    write(name, rows, clean)


def main():
    assert nx.__version__ == "3.6.1", f"the fixtures were made with networkx 3.6.1, not {nx.__version__}"
    undirected("karate", nx.karate_club_graph())
    undirected("les_miserables", nx.les_miserables_graph())
    undirected("florentine_families", nx.florentine_families_graph())
    undirected("davis_southern_women", nx.davis_southern_women_graph())

    # A directed scale-free graph: hubs, dangling nodes (no out-edges), self-loops, repeated
    # edges (their weights add up) and weights with two decimals.
    multi = nx.scale_free_graph(3000, seed=42)
    rng = random.Random(7)
    rows = []
    for u, v in multi.edges():
        rows.append((f"n{u}", f"n{v}", round(rng.uniform(0.1, 5.0), 2)))
    graph = nx.DiGraph()
    for u, v, w in rows:
        previous = graph.get_edge_data(u, v, {"weight": 0.0})["weight"]
        graph.add_edge(u, v, weight=previous + w)
    dangling = sum(1 for n in graph if graph.out_degree(n) == 0)
    loops = nx.number_of_selfloops(graph)
    print("scale_free: dangling", dangling, "self-loops", loops, "rows", len(rows), file=sys.stderr)
    write("scale_free_directed", rows, graph)


if __name__ == "__main__":
    main()
