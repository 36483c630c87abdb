// The perception encoder's public face.
export { PerceptionEncoder, type EncoderOptions } from './encoder.ts';
