"""The address a request comes from, for counting failed logins (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind the TLS proxy every connection comes from the proxy, so the client is named by X-Forwarded-For. That
header is whatever the client sent with each proxy's peer appended on the right, so it is read from the right,
and only while the hop that wrote an entry is one of settings.TRUSTED_PROXIES: a client cannot choose its
address by sending the header itself, whether through the proxy or straight to the application server.
(django-ipware, axes' other way, checks the header's own entries against trusted proxies, never the peer the
request came from, so a client reaching gunicorn directly could name any address.)
"""

import ipaddress

from django.conf import settings


def parse_address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def client_address(request):
    trusted = [ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES]

    def is_trusted(address):
        return any(address in network for network in trusted)

    peer = request.META.get("REMOTE_ADDR", "")
    peer_address = parse_address(peer)
    # A Unix socket has no peer address; only a process on this machine (the proxy) can reach it, and gunicorn
    # trusts such connections too.
    if peer_address is not None and not is_trusted(peer_address):
        return str(peer_address)
    client = peer_address
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if not is_trusted(address):
            break
    return str(client) if client is not None else peer
