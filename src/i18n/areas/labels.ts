/** Spanish (es-DO) messages of the product labels (price tags with their barcode). */
export const labelsMessages = {
  'labels.title': 'Etiquetas de productos',
  'labels.print': 'Imprimir',
  'labels.printLabels': 'Imprimir etiquetas',
  'labels.back': 'Productos',
  'labels.layoutA4': 'Hoja A4 (3 × 8, 70 × 37 mm)',
  'labels.layoutRoll': 'Rollo (50 × 25 mm)',
  'labels.copies': 'Copias de cada una',
  'labels.apply': 'Aplicar',
  'labels.count': '{labels} etiquetas de {products} productos',
  'labels.barcodeAlt': 'Código de barras {code}',
  'labels.noBarcode': 'Sin código de barras imprimible',
} as const;
