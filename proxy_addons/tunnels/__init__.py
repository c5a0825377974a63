"""HTTPS before decryption: deciding at CONNECT and ClientHello, the client connections, the CA."""
