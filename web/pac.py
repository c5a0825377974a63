"""The PAC file's text: office clients to the office proxies, everyone else to the remote endpoint.

Built from settings and the rules' networks only, never from the request. Every value goes in as a JSON
literal, so no setting can inject script. In the office (the client's own address in one of the office
networks) a client gets the worker of each office proxy its address picks (`watercooler proxy --workers
N`: ports PORT … PORT+N-1), then the next worker, then the same on the fallback proxy; elsewhere the
remote endpoint (`HTTPS host:port`) and its fallback. When every proxy listed fails, the last resort
is the admin's choice: `DIRECT` (the web works, unfiltered) or `closed` (nothing but the company's own
community sites, which always end in DIRECT so they stay reachable).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

LAST_RESORTS = ("DIRECT", "closed")
ADDRESS = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}")     # host:port, [IPv6]:port

TEMPLATE = """\
// Watercooler proxy auto-configuration. Served by the panel at /proxy.pac.
var DIRECT_DOMAINS = {direct};
var COMMUNITY = {community};   // the company's own community: reachable whatever happens
var OFFICE_V4 = {office_v4};
var OFFICE_V6 = {office_v6};
var OFFICE_PROXIES = {office};   // per proxy node, its workers' ports
var REMOTE_PROXIES = {remote};
var LAST_RESORT_DIRECT = {last_direct};

function inDomains(host, domains) {{
  for (var i = 0; i < domains.length; i++) {{
    if (host === domains[i] || dnsDomainIs(host, "." + domains[i])) return true;
  }}
  return false;
}}

function inOffice(ip) {{
  for (var i = 0; i < OFFICE_V4.length; i++) {{
    if (isInNet(ip, OFFICE_V4[i][0], OFFICE_V4[i][1])) return true;
  }}
  if (OFFICE_V6.length && typeof myIpAddressEx === "function" && typeof isInNetEx === "function") {{
    var mine = myIpAddressEx().split(";");
    for (var m = 0; m < mine.length; m++) {{
      for (var n = 0; n < OFFICE_V6.length; n++) {{
        if (mine[m] && isInNetEx(mine[m], OFFICE_V6[n])) return true;
      }}
    }}
  }}
  return false;
}}

// Each client keeps to one worker, picked from its own address; the next worker is its fallback.
function officeChain(ip) {{
  var hash = 0, chain = [];
  for (var c = 0; c < ip.length; c++) hash = (hash * 31 + ip.charCodeAt(c)) % 65521;
  for (var p = 0; p < OFFICE_PROXIES.length; p++) {{
    var workers = OFFICE_PROXIES[p], first = hash % workers.length;
    chain.push("PROXY " + workers[first]);
    if (workers.length > 1) chain.push("PROXY " + workers[(first + 1) % workers.length]);
  }}
  return chain;
}}

function FindProxyForURL(url, host) {{
  host = host.toLowerCase();
  if (isPlainHostName(host) || host === "localhost" || shExpMatch(host, "127.*")) return "DIRECT";
  if (inDomains(host, DIRECT_DOMAINS)) return "DIRECT";
  var ip = myIpAddress();
  var chain = REMOTE_PROXIES.length === 0 || inOffice(ip) ? officeChain(ip) : REMOTE_PROXIES.slice();
  if (LAST_RESORT_DIRECT || inDomains(host, COMMUNITY)) chain.push("DIRECT");
  return chain.join("; ");
}}
"""


@dataclass(frozen=True)
class PacPlan:
    office: list[list[str]]              # per office proxy node: "host:port" of each worker
    remote: list[str]                    # remote endpoints, "host:port"
    office_networks: list[IPv4Network | IPv6Network]
    direct: list[str]                    # domains sent direct
    community: list[str]                 # the rules' internal sites' domains
    last_resort: str                     # "DIRECT" or "closed"


def workers(address: str, count: int) -> list[str]:
    """`host:port` and the next `count - 1` ports on the same host."""
    host, _, port = address.rpartition(":")
    return [f"{host}:{int(port) + index}" for index in range(count)]


def render(plan: PacPlan) -> str:
    v4 = [[str(net.network_address), str(net.netmask)] for net in plan.office_networks if net.version == 4]
    v6 = [str(net) for net in plan.office_networks if net.version == 6]
    return TEMPLATE.format(direct=json.dumps(plan.direct), community=json.dumps(plan.community),
                           office_v4=json.dumps(v4), office_v6=json.dumps(v6), office=json.dumps(plan.office),
                           remote=json.dumps([f"HTTPS {address}" for address in plan.remote]),
                           last_direct=json.dumps(plan.last_resort == "DIRECT"))
