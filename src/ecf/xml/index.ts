export { buildAcecfXml, type AcecfInput } from './acecf';
export { anecfCounts, buildAnecfXml, type AnecfInput, type EncfRange } from './anecf';
export { buildArecfXml, type ArecfInput, type NotReceivedReason } from './arecf';
export { buildEcfXml, ecfProfiles } from './ecf';
export { checkEcfDocument, consumerThresholdDop } from './ecf-writer';
export { buildRfceXml } from './rfce';
export { dgiiDate, dgiiDateTime, escapeXml, xmlDeclaration } from './writer';
