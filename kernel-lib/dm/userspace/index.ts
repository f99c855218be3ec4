// dm-userspace (2006) and its daemon cowd: importing this registers the `userspace` target.
export { UserspaceTarget } from './userspace-target.js';
export { DmuDevice, dmuDevices } from './dmu-device.js';
export { parseUserspaceParams, type UserspaceParams } from './params.js';
export { parseCowdParams, type CowdParams } from './cowd/params.js';
export * from './protocol.js';
