// The configurator's public face.
export { Configurator } from './configurator.ts';
