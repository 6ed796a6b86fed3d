/** Spanish (es-DO) messages of the customer and product pickers of the forms; merged in src/i18n/es-DO.ts. */
export const pickersMessages = {
  'pickers.customers.search': 'Buscar cliente (nombre, RNC/cédula o teléfono)',
  'pickers.customers.find': 'Buscar cliente',
  'pickers.customers.none': 'Ningún cliente coincide con la búsqueda.',
  'pickers.customers.hint': 'Escriba para buscar; se muestran hasta {max} coincidencias.',
  'pickers.products.search': 'Buscar producto (nombre, código o código de barras)',
  'pickers.products.find': 'Buscar producto',
  'pickers.products.none': 'Ningún producto activo coincide con la búsqueda.',
  'pickers.products.found': '{count} productos encontrados (se muestran hasta {max}).',
  'pickers.products.results': 'Productos encontrados',
  'pickers.products.add': 'Agregar',
  'pickers.products.addLabel': 'Agregar {name} ({sku}) a las líneas',
  'pickers.products.choose': 'Elegir',
  'pickers.products.chooseLabel': 'Elegir {name} ({sku})',
  'pickers.products.onHand': 'Existencia: {quantity}',
  'pickers.products.noStock': 'Sin existencia en la sucursal',
} as const;
