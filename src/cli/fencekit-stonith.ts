#!/usr/bin/env node
// A drop-in for cluster-glue's `stonith -t wti_nps`; it arrives with the WTI driver.
process.stderr.write('fencekit-stonith: not implemented yet\n');
process.exit(1);
