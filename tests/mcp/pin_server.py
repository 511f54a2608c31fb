"""A tiny MCP server for the pins system test (PyPI `mcp`, Streamable HTTP on loopback).

usage: python pin_server.py PORT [DESCRIPTION_OF_LIRE_DOCUMENT]
The second argument changes one tool's description, as a server rug pull would.
"""
import sys

from mcp.server.mcpserver import MCPServer

port = int(sys.argv[1])
description = sys.argv[2] if len(sys.argv) > 2 else "Renvoie le texte d'un document à partir de sa référence."

server = MCPServer("triplane-pin-test")


@server.tool(name="recherche_documents", description="Recherche plein texte. Lecture seule.")
def recherche_documents(requete: str, limite: int = 10) -> str:
    return f"{requete}:{limite}"


@server.tool(name="lire_document", description=description)
def lire_document(reference: str) -> str:
    return reference


server.run(transport="streamable-http", host="127.0.0.1", port=port)
