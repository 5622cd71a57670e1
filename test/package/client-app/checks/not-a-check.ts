// Looks like a check but has no `begin`: the construct must refuse it at synth.
export default { name: 'half-a-check', needs: 'restored-table' };
