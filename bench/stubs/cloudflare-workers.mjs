// Only for the CPU benchmark's Node bundle: the ingestor module is imported (through the receiver
// pipeline) but never instantiated there.
export class DurableObject {}
