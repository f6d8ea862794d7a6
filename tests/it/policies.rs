//! What defines each relay policy, tested on small networks.
